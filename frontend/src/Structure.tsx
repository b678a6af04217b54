import { useEffect, useState } from 'react';
import { drawSVG } from './structure';

type Drawing = { state: 'loading' } | { state: 'drawn'; svg: string } | { state: 'unreadable' } | { state: 'failed' };

interface Props {
  smiles: string;
  label: string;
  width?: number;
  height?: number;
  /** Say so in words when the drawing cannot be made (the card); a table cell stays quiet. */
  explain?: boolean;
}

/**
 * Structure draws a compound from its SMILES with RDKit.js. While the
 * WebAssembly loads it keeps the space; if RDKit cannot load (an old
 * browser, a blocked download) or read the SMILES, it says so (with
 * explain) and the SMILES shown beside it stays the record.
 */
export function Structure({ smiles, label, width = 320, height = 220, explain = true }: Props) {
  const [d, setD] = useState<Drawing>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setD({ state: 'loading' });
    drawSVG(smiles, width, height)
      .then((svg) => live && setD(svg ? { state: 'drawn', svg } : { state: 'unreadable' }))
      .catch(() => live && setD({ state: 'failed' }));
    return () => {
      live = false;
    };
  }, [smiles, width, height]);
  if (d.state === 'drawn') {
    // The SVG is RDKit's own drawing of a parsed molecule (no user markup).
    return <div className="structure" role="img" aria-label={`Structure of ${label}`} dangerouslySetInnerHTML={{ __html: d.svg }} />;
  }
  const style = { width, height, maxWidth: '100%' };
  if (d.state === 'loading') return <div className="structure placeholder" style={style} aria-hidden="true" />;
  if (!explain) return <div className="structure placeholder" style={style} aria-hidden="true" />;
  return (
    <div className="structure placeholder" style={style}>
      <p className="muted small" data-testid="structure-missing">
        {d.state === 'failed' ? 'The structure drawing could not load (RDKit); the SMILES below is the compound.' : 'RDKit cannot draw this SMILES.'}
      </p>
    </div>
  );
}
