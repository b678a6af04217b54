import { descriptorRows } from './compound';

describe('descriptorRows', () => {
  it('shows known descriptors in order, rounded, and skips the rest', () => {
    const rows = descriptorRows(JSON.stringify({ tpsa: 20.23, formula: 'C2H6O', mol_wt: 46.069, hbd: 1, unknown: 3, crippen_logp: null }));
    expect(rows).toEqual([
      { label: 'Formula', value: 'C2H6O' },
      { label: 'Molecular weight', value: '46.07' },
      { label: 'TPSA', value: '20.2' },
      { label: 'H-bond donors', value: '1' },
    ]);
  });
  it('gives nothing for no or unreadable JSON', () => {
    expect(descriptorRows(null)).toEqual([]);
    expect(descriptorRows('{')).toEqual([]);
    expect(descriptorRows('3')).toEqual([]);
  });
});
