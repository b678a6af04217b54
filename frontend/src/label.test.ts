import { classKeys, classLabel, errorMessage, formatNumber, nextConfidence, parseLabelValue } from './label';

describe('parseLabelValue', () => {
  it.each([
    ['-2.75', -2.75],
    [' 3 ', 3],
    ['-2,75', -2.75],
    ['.5', 0.5],
    ['1e-3', 0.001],
    ['+4.', 4],
  ])('reads %j as %d', (text, want) => {
    expect(parseLabelValue(text, 'REGRESSION')).toEqual({ ok: true, value: want });
  });

  it.each([
    ['', 'Enter a value.'],
    ['   ', 'Enter a value.'],
    ['abc', '"abc" is not a number.'],
    ['1.2.3', '"1.2.3" is not a number.'],
    ['NaN', '"NaN" is not a number.'],
    ['Infinity', '"Infinity" is not a number.'],
    ['0x10', '"0x10" is not a number.'],
    ['1e999', '"1e999" is too large.'],
  ])('refuses %j', (text, error) => {
    expect(parseLabelValue(text, 'REGRESSION')).toEqual({ ok: false, error });
  });

  it('takes only 0 or 1 for classification', () => {
    expect(parseLabelValue('1', 'CLASSIFICATION')).toEqual({ ok: true, value: 1 });
    expect(parseLabelValue('0', 'CLASSIFICATION')).toEqual({ ok: true, value: 0 });
    expect(parseLabelValue('0.5', 'CLASSIFICATION')).toEqual({ ok: false, error: 'A classification label is 0 or 1.' });
  });
});

describe('errorMessage', () => {
  it('is empty without an error', () => {
    expect(errorMessage(undefined)).toBe('');
  });
  it('says the server is unreachable on a network error', () => {
    expect(errorMessage({ networkError: new Error('fetch failed') })).toMatch(/cannot be reached/);
  });
  it('shows the server message for bad input and names conflicts', () => {
    expect(errorMessage({ graphQLErrors: [{ message: 'value: must be finite', extensions: { code: 'BAD_USER_INPUT' } }] })).toBe(
      'value: must be finite',
    );
    expect(errorMessage({ graphQLErrors: [{ message: 'item 7 is labeled', extensions: { code: 'CONFLICT' } }] })).toBe(
      'Conflict: item 7 is labeled',
    );
  });
  it('explains auth and internal errors in plain words', () => {
    expect(errorMessage({ graphQLErrors: [{ message: 'x', extensions: { code: 'UNAUTHENTICATED' } }] })).toMatch(/Sign in again/);
    expect(errorMessage({ graphQLErrors: [{ message: 'x', extensions: { code: 'FORBIDDEN' } }] })).toMatch(/role/);
    expect(errorMessage({ graphQLErrors: [{ message: 'db down', extensions: { code: 'INTERNAL' } }] })).not.toContain('db down');
  });
});

describe('formatNumber', () => {
  it('shows three decimals, whole numbers from 100, a dash for none', () => {
    expect(formatNumber(-2.34567)).toBe('-2.346');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});

describe('classes', () => {
  const three = ['low', 'medium', 'high'];
  it('reads a class name or index as the index', () => {
    expect(parseLabelValue(' medium ', 'CLASSIFICATION', three)).toEqual({ ok: true, value: 1 });
    expect(parseLabelValue('2', 'CLASSIFICATION', three)).toEqual({ ok: true, value: 2 });
    for (const bad of ['3', 'Medium', '', '1.0']) {
      expect(parseLabelValue(bad, 'CLASSIFICATION', three)).toEqual({ ok: false, error: 'A label is one of the classes: low, medium, high.' });
    }
    expect(parseLabelValue('1', 'CLASSIFICATION', ['0', '1'])).toEqual({ ok: true, value: 1 });
  });
  it('keys classes 1 to K, the unnamed binary ones by their own digit', () => {
    expect(classKeys(three)).toEqual(['1', '2', '3']);
    expect(classKeys(['0', '1'])).toEqual(['0', '1']);
    expect(classKeys(['inactive', 'active'])).toEqual(['1', '2']);
    expect(classKeys(Array.from({ length: 10 }, (_, k) => `c${k}`))[9]).toBe('');
  });
  it('names a label by its class', () => {
    expect(classLabel(2, three)).toBe('high');
    expect(classLabel(-2.5, null)).toBe('-2.500');
    expect(classLabel(3, three)).toBe('3.000');
  });
  it('steps the confidence round', () => {
    expect(nextConfidence('HIGH')).toBe('MEDIUM');
    expect(nextConfidence('LOW')).toBe('HIGH');
  });
});
