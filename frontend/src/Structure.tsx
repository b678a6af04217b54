import { useEffect, useState } from 'react';
import { drawSVG } from './structure';

/** Structure draws a compound from its SMILES (nothing while RDKit loads, or if it cannot). */
export function Structure({ smiles, label }: { smiles: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSvg(null);
    drawSVG(smiles, 320, 220)
      .then((s) => live && setSvg(s))
      .catch(() => live && setSvg(null));
    return () => {
      live = false;
    };
  }, [smiles]);
  if (!svg) return null;
  // The SVG is RDKit's own drawing of a parsed molecule (no user markup).
  return <div className="structure" role="img" aria-label={`Structure of ${label}`} dangerouslySetInnerHTML={{ __html: svg }} />;
}
