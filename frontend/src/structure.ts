// Structure drawings with RDKit.js (RDKit compiled to WebAssembly): loaded
// on first use, since its wasm is 7 MB; the SMILES text stays on the page
// either way.
import type { MainModule as RDKitModule } from '@rdkit/rdkit';
import wasmURL from 'rdkit-wasm?url';

let loading: Promise<RDKitModule> | undefined;

function rdkit(): Promise<RDKitModule> {
  loading ??= import('@rdkit/rdkit').then((m) => {
    const init = (m.default ?? m) as unknown as (opts: { locateFile: () => string }) => Promise<RDKitModule>;
    return init({ locateFile: () => wasmURL });
  });
  return loading;
}

/**
 * drawSVG returns an SVG drawing of a SMILES (width × height pixels), or
 * null when RDKit cannot read it.
 */
export async function drawSVG(smiles: string, width: number, height: number): Promise<string | null> {
  const rd = await rdkit();
  const mol = rd.get_mol(smiles);
  if (!mol) return null;
  try {
    return mol.is_valid() ? mol.get_svg(width, height) : null;
  } finally {
    mol.delete();
  }
}
