import { setNameFromFile } from './Import';

describe('setNameFromFile', () => {
  it('drops the extension of CSV and SDF files', () => {
    expect(setNameFromFile('esol new.csv')).toBe('esol new');
    expect(setNameFromFile('library.SDF')).toBe('library');
    expect(setNameFromFile('hits.sd')).toBe('hits');
    expect(setNameFromFile('plate 3')).toBe('plate 3');
    expect(setNameFromFile('a.b.csv')).toBe('a.b');
    expect(setNameFromFile('assay.sdf.gz')).toBe('assay');
    expect(setNameFromFile('plate.xlsx')).toBe('plate');
    expect(setNameFromFile('hits.TSV')).toBe('hits');
  });
});
