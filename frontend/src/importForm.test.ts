import { importInput, parseEndpointMapping, type ImportFields } from './importForm';

describe('parseEndpointMapping', () => {
  it('reads endpoint=column pairs, a lone name as its own column (as ingest.ParseEndpoints)', () => {
    expect(parseEndpointMapping(' logS = LOGS ,pIC50=PIC50, MolWt')).toEqual([
      { endpoint: 'logS', column: 'LOGS' },
      { endpoint: 'pIC50', column: 'PIC50' },
      { endpoint: 'MolWt', column: 'MolWt' },
    ]);
  });

  it.each([
    ['logS=', '“logS=”: write each endpoint as endpoint=column.'],
    ['=LOGS', '“=LOGS”: write each endpoint as endpoint=column.'],
    ['logS=A,,pIC50=B', '“”: write each endpoint as endpoint=column.'],
    ['logS=A, LOGS=B', 'The endpoint LOGS is given twice.'],
  ])('refuses %s', (text, problem) => {
    expect(parseEndpointMapping(text)).toBe(problem);
  });
});

const form: ImportFields = { setName: ' assays ', smilesColumn: 'smiles', nameColumn: '', endpoint: '', valueColumn: '', mapping: '', decimalComma: false, classes: '' };

describe('importInput', () => {
  it('sends one endpoint with its value column', () => {
    expect(importInput({ ...form, endpoint: 'logS', valueColumn: 'value' })).toEqual({
      setName: 'assays',
      smilesColumn: 'smiles',
      nameColumn: null,
      endpoint: 'logS',
      valueColumn: 'value',
      endpoints: null,
      decimalComma: null,
      classes: null,
    });
  });

  it('sends several endpoints as a mapping, the single pair first, and a decimal comma', () => {
    expect(importInput({ ...form, endpoint: 'logS', valueColumn: 'LOGS', mapping: 'pIC50=PIC50, MolWt', decimalComma: true })).toEqual({
      setName: 'assays',
      smilesColumn: 'smiles',
      nameColumn: null,
      endpoint: null,
      valueColumn: null,
      endpoints: [
        { endpoint: 'logS', column: 'LOGS' },
        { endpoint: 'pIC50', column: 'PIC50' },
        { endpoint: 'MolWt', column: 'MolWt' },
      ],
      decimalComma: true,
      classes: null,
    });
  });

  it('sends class names, trimmed, for values read as classes', () => {
    const got = importInput({ ...form, endpoint: 'sol3', valueColumn: 'class', classes: ' low, medium,high ' });
    expect(typeof got !== 'string' && got.classes).toEqual(['low', 'medium', 'high']);
    expect(importInput({ ...form, classes: 'low, high' })).toBe('Classes name the values of a value column: give the column and its endpoint.');
    // The same rules as the new-model form's (classNamesProblem), the server's for both.
    expect(importInput({ ...form, endpoint: 'e', valueColumn: 'v', classes: 'low' })).toBe('Name 2 to 64 classes, separated by commas (low, medium, high).');
    expect(importInput({ ...form, endpoint: 'e', valueColumn: 'v', classes: 'low, ,high' })).toBe('A class name is empty.');
    expect(importInput({ ...form, endpoint: 'e', valueColumn: 'v', classes: 'low,low' })).toBe('Class “low” is named twice.');
    expect(importInput({ ...form, endpoint: 'e', valueColumn: 'v', classes: 'low,Low' })).toBe('Classes “low” and “Low” differ only in case.');
    const many = Array.from({ length: 65 }, (_, i) => `c${i}`).join(',');
    expect(importInput({ ...form, endpoint: 'e', valueColumn: 'v', classes: many })).toBe('Name 2 to 64 classes, separated by commas (low, medium, high).');
  });

  it('says what is missing or wrong', () => {
    expect(importInput({ ...form, setName: ' ' })).toBe('Name the compound set to import into.');
    expect(importInput({ ...form, valueColumn: 'v' })).toBe('Values need an endpoint: say what they measure (e.g. logS).');
    expect(importInput({ ...form, endpoint: 'logS', valueColumn: 'LOGS', mapping: 'logs=x' })).toBe('The endpoint logs is given twice.');
  });
});
