import type { Cycle } from './api';
import { metricChanges, openCycle, retrainable } from './cycles';

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
  startedAt: '2026-12-06T00:00:00Z',
  completedAt: null,
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
