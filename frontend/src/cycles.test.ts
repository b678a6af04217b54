import type { Cycle } from './api';
import { diagnosisLine, metricChanges, openCycle, retrainable, startedLine } from './cycles';

const cycle = (n: number, status: Cycle['status'], itemsLabeled: number): Cycle => ({
  id: `01939a5c-0000-7000-8000-${String(n).padStart(12, '0')}`,
  cycleNumber: n,
  status,
  selectionStrategy: 'default',
  batchSize: 25,
  itemsSelected: 25,
  itemsLabeled,
  itemsSkipped: 0,
  metricsBefore: [],
  metricsAfter: [],
  error: '',
  promotionNote: '',
  startedAt: '2026-12-06T00:00:00Z',
  completedAt: null,
  startedBy: null,
  diagnosis: null,
});

describe('metricChanges', () => {
  it('pairs every metric and knows which way is better', () => {
    const got = metricChanges(
      [{ name: 'rmse', value: 1 }, { name: 'r2', value: 0.5 }, { name: 'coverage90', value: 0.8 }, { name: 'spearman', value: 0.7 }],
      [{ name: 'rmse', value: 0.9 }, { name: 'r2', value: 0.4 }, { name: 'coverage90', value: 0.88 }, { name: 'mae', value: 0.6 }],
    );
    expect(got).toEqual([
      { name: 'rmse', before: 1, after: 0.9, verdict: 'better' },
      { name: 'r2', before: 0.5, after: 0.4, verdict: 'worse' },
      { name: 'coverage90', before: 0.8, after: 0.88, verdict: 'better' },
      { name: 'spearman', before: 0.7, after: null, verdict: '' },
      { name: 'mae', before: null, after: 0.6, verdict: '' },
    ]);
  });
});

describe('retrainable and openCycle', () => {
  it('offers every labeling cycle with labels, not just the newest', () => {
    const cs = [cycle(1, 'LABELING', 4), cycle(2, 'COMPLETE', 10), cycle(3, 'LABELING', 0), cycle(4, 'LABELING', 2)];
    expect(retrainable(cs).map((c) => c.cycleNumber)).toEqual([1, 4]);
    expect(openCycle(cs)?.cycleNumber).toBe(4);
    expect(openCycle([cycle(1, 'COMPLETE', 3)])).toBeNull();
  });
});

describe('startedLine', () => {
  it('says who started a cycle and when (the server gives UTC times)', () => {
    const c = { ...cycle(1, 'LABELING', 0), startedAt: '2026-12-06T14:05:09.123Z' };
    expect(startedLine({ ...c, startedBy: { id: 'u1', name: 'Ada Lovelace', email: null } })).toBe('started 2026-12-06 14:05 UTC by Ada Lovelace');
    expect(startedLine({ ...c, startedBy: { id: 'u1', name: '', email: 'ada@lab.test' } })).toBe('started 2026-12-06 14:05 UTC by ada@lab.test');
    expect(startedLine(c)).toBe('started 2026-12-06 14:05 UTC');
    expect(startedLine({ ...c, startedAt: '2026-12-06T15:05:09+01:00' })).toBe('started 2026-12-06 14:05 UTC');
  });
});

describe('diagnosisLine', () => {
  const d = (sentence: string) => ({ sentence, labeled: 3, needed: 5 });
  it('gives the server sentence a capital and a full stop', () => {
    expect(diagnosisLine(d('not enough labels yet (3 of 5 needed)'))).toBe('Not enough labels yet (3 of 5 needed).');
    expect(
      diagnosisLine(d("uncertainty picks were 1.8x harder than random picks (mean |error| 0.9 vs 0.5, 12 labels vs 13 labels); the model's uncertainty ranks errors weakly: rho 0.21 over 25 labels")),
    ).toBe("Uncertainty picks were 1.8x harder than random picks (mean |error| 0.9 vs 0.5, 12 labels vs 13 labels); the model's uncertainty ranks errors weakly: rho 0.21 over 25 labels.");
  });
  it('keeps a sentence that already ends, and an empty one empty', () => {
    expect(diagnosisLine(d('no labels yet.'))).toBe('No labels yet.');
    expect(diagnosisLine(d('  '))).toBe('');
  });
});
