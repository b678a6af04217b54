import { archivedNote, changeLine, corrections, implausibleFacts, implausibleOf, labeledToday, mayCorrect } from './lifecycle';

// The refusal as the server sends it (activelearning.ImplausibleError's
// ErrorExtensions, graph's error presenter adding code and field), for a
// logS label of 50 on the demo's endpoint.
const refusal = {
  graphQLErrors: [
    {
      message: 'value 50 looks implausible: it lies beyond the endpoint\'s observed range [-11.6, 1.58] by more than its span 13.18; resubmit with confirm: true to keep it',
      extensions: {
        code: 'IMPLAUSIBLE_VALUE',
        field: 'value',
        reason: "it lies beyond the endpoint's observed range [-11.6, 1.58] by more than its span 13.18, and it is 80.0 standard deviations (0.659) from the model's prediction -2.7, more than 4",
        value: 50,
        k: 4,
        range: { min: -11.6, max: 1.58, count: 282 },
        prediction: -2.7,
        uncertainty: 0.41,
      },
    },
  ],
};

describe('implausibleOf', () => {
  it('reads the reason, the range and the prediction of an IMPLAUSIBLE_VALUE refusal', () => {
    const i = implausibleOf(refusal, 50);
    expect(i).toEqual({
      value: 50,
      reason: refusal.graphQLErrors[0].extensions.reason,
      range: { min: -11.6, max: 1.58, count: 282 },
      prediction: -2.7,
      uncertainty: 0.41,
    });
    expect(implausibleFacts(i!, 'logS')).toBe('observed logS -11.600 to 1.580 (282 measurements) · predicted -2.700 ± 0.410');
  });
  it('falls back to the message when the extensions are sparse (an endpoint without a range)', () => {
    const i = implausibleOf({ graphQLErrors: [{ message: 'value 9 looks implausible: far from the prediction', extensions: { code: 'IMPLAUSIBLE_VALUE', prediction: 1 } }] }, 9);
    expect(i).toEqual({ value: 9, reason: 'value 9 looks implausible: far from the prediction', range: null, prediction: 1, uncertainty: null });
    expect(implausibleFacts(i!, 'pIC50')).toBe('predicted 1.000');
  });
  it('is null for every other error', () => {
    expect(implausibleOf({ graphQLErrors: [{ message: 'conflict', extensions: { code: 'CONFLICT' } }] }, 1)).toBeNull();
    expect(implausibleOf({ networkError: new Error('down') }, 1)).toBeNull();
    expect(implausibleOf(null, 1)).toBeNull();
  });
});

describe('mayCorrect', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const mine = { labeledAt: '2026-12-06T10:00:00Z', labeledBy: { id: 'u1' } };
  const sci = { id: 'u1', role: 'SCIENTIST' };
  it('lets the labeler correct within the window, as the server does', () => {
    expect(mayCorrect(mine, sci, now)).toEqual({ ok: true });
    expect(mayCorrect({ ...mine, labeledAt: '2026-12-05T12:00:01Z' }, sci, now)).toEqual({ ok: true });
  });
  it('refuses the labeler after the window, and says whom to ask', () => {
    const got = mayCorrect({ ...mine, labeledAt: '2026-12-05T11:59:00Z' }, sci, now);
    expect(got).toEqual({ ok: false, why: 'Labeled more than 24 hours ago: ask an admin to correct it.' });
  });
  it('refuses another scientist and viewers; admins may always', () => {
    expect(mayCorrect(mine, { id: 'u2', role: 'SCIENTIST' }, now).ok).toBe(false);
    expect(mayCorrect(mine, { id: 'u1', role: 'VIEWER' }, now).ok).toBe(false);
    expect(mayCorrect({ ...mine, labeledAt: '2020-01-01T00:00:00Z', labeledBy: { id: 'u9' } }, { id: 'u2', role: 'ADMIN' }, now)).toEqual({ ok: true });
  });
});

describe('archivedNote', () => {
  it('names the version that trained on the label', () => {
    expect(archivedNote({ archivedAt: '2026-12-06T10:00:00Z', archivedWith: { version: 3 } })).toBe('archived with v3');
    expect(archivedNote({ archivedAt: '2026-12-06T10:00:00Z', archivedWith: null })).toBe('archived');
    expect(archivedNote({ archivedAt: null, archivedWith: null })).toBe('');
  });
});

describe('label history lines', () => {
  const ada = { name: 'Ada', email: 'ada@lab.test' };
  const history = [
    { action: 'LABELED' as const, value: -2, previousValue: null, reason: '', createdAt: '2026-12-06T14:01:09Z', user: ada },
    { action: 'AMENDED' as const, value: -1.95, previousValue: -2, reason: 'typo', createdAt: '2026-12-06T14:05:00Z', user: ada },
    { action: 'RETRACTED' as const, value: null, previousValue: -1.95, reason: 'wrong compound', createdAt: '2026-12-06T15:00:00Z', user: { name: '', email: 'bo@lab.test' } },
  ];
  it('tells each change with who, when, the values and why', () => {
    expect(history.map(changeLine)).toEqual([
      '2026-12-06 14:01 Ada labeled -2.000',
      '2026-12-06 14:05 Ada: -2.000 → -1.950 (typo)',
      '2026-12-06 15:00 bo@lab.test retracted -1.950 (wrong compound)',
    ]);
  });
  it('shows only the changes after the first label', () => {
    expect(corrections(history).map((c) => c.action)).toEqual(['AMENDED', 'RETRACTED']);
  });
});

describe('labeledToday', () => {
  it('counts the labels of the current local day only', () => {
    const now = new Date(2026, 11, 6, 18, 0);
    const at = (d: number, h: number) => new Date(2026, 11, d, h, 30).toISOString();
    expect(labeledToday([{ labeledAt: at(6, 0) }, { labeledAt: at(6, 17) }, { labeledAt: at(5, 23) }, { labeledAt: null }], now)).toBe(2);
  });
});
