import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { MAX_PASTED_LINES, checkPasted, pastedLines, pastedRefusal } from './pasted';

describe('pastedLines', () => {
  it('keeps every line in its place, blank ones too, so the server numbers them as the textarea does', () => {
    expect(pastedLines('CCO ethanol\r\n\nC1CC\n  \nc1ccccc1\n\n\n')).toEqual(['CCO ethanol', '', 'C1CC', '  ', 'c1ccccc1']);
  });
});

describe('checkPasted', () => {
  it('asks for at least one SMILES and keeps to the server’s cap', () => {
    expect(checkPasted(['', '  '])).toMatch(/at least one SMILES/);
    expect(checkPasted(['CCO'])).toBe('');
    expect(checkPasted(Array(MAX_PASTED_LINES).fill('C'))).toBe('');
    expect(checkPasted(Array(MAX_PASTED_LINES + 1).fill('C'))).toMatch(/at most 5,000 lines \(this one has 5,001\)/);
  });
});

describe('pastedRefusal', () => {
  const lines = pastedLines('CCO ethanol\n\nC1CC\nc1ccccc1\nCC(C');
  // The error the server gives (activelearning.PastedPoolError through the presenter; reasons and offsets are chem.Parse's for these SMILES).
  const refused = new CombinedError({
    graphQLErrors: [
      new GraphQLError("smiles: 2 lines are not valid SMILES: line 3: ring bond 1 opened at offset 1 is never closed; line 5: branch '(' at offset 2 is never closed", {
        extensions: {
          code: 'BAD_USER_INPUT',
          field: 'smiles',
          badLines: 2,
          lines: [
            { line: 3, reason: 'ring bond 1 opened at offset 1 is never closed', offset: 1 },
            { line: 5, reason: "branch '(' at offset 2 is never closed", offset: 2 },
          ],
        },
      }),
    ],
  });
  it('reads the bad lines with what they say', () => {
    expect(pastedRefusal(refused, lines)).toEqual({
      total: 2,
      lines: [
        { line: 3, text: 'C1CC', reason: 'ring bond 1 opened at offset 1 is never closed', offset: 1 },
        { line: 5, text: 'CC(C', reason: "branch '(' at offset 2 is never closed", offset: 2 },
      ],
    });
  });
  it('leaves other errors alone', () => {
    const other = new CombinedError({ graphQLErrors: [new GraphQLError('batchSize: 0 is outside 1..500', { extensions: { code: 'BAD_USER_INPUT', field: 'batchSize' } })] });
    expect(pastedRefusal(other, lines)).toBeNull();
    expect(pastedRefusal(undefined, lines)).toBeNull();
  });
});
