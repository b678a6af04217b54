// Pure logic of the compound pages: which descriptors to show, and how.

/** DESCRIPTORS are the computed descriptors the compound page shows, in order, with their labels. */
export const DESCRIPTORS: { key: string; label: string; digits?: number }[] = [
  { key: 'formula', label: 'Formula' },
  { key: 'mol_wt', label: 'Molecular weight', digits: 2 },
  { key: 'exact_mass', label: 'Exact mass', digits: 4 },
  { key: 'crippen_logp', label: 'logP (Crippen)', digits: 2 },
  { key: 'tpsa', label: 'TPSA', digits: 1 },
  { key: 'hbd', label: 'H-bond donors' },
  { key: 'hba', label: 'H-bond acceptors' },
  { key: 'rotatable_bonds', label: 'Rotatable bonds' },
  { key: 'ring_count', label: 'Rings' },
  { key: 'aromatic_rings', label: 'Aromatic rings' },
  { key: 'fraction_csp3', label: 'Fraction sp3 carbons', digits: 2 },
  { key: 'heavy_atoms', label: 'Heavy atoms' },
  { key: 'formal_charge', label: 'Formal charge' },
];

/**
 * descriptorRows reads a compound's descriptors JSON into label/value rows,
 * in DESCRIPTORS' order, skipping what is absent; unreadable JSON gives no
 * rows rather than an error (the page still shows the compound).
 */
export function descriptorRows(json: string | null): { label: string; value: string }[] {
  if (!json) return [];
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(json);
  } catch {
    return [];
  }
  if (typeof d !== 'object' || d === null) return [];
  const rows: { label: string; value: string }[] = [];
  for (const { key, label, digits } of DESCRIPTORS) {
    const v = d[key];
    if (typeof v === 'number' && Number.isFinite(v)) rows.push({ label, value: digits === undefined ? String(v) : v.toFixed(digits) });
    else if (typeof v === 'string' && v !== '') rows.push({ label, value: v });
  }
  return rows;
}
