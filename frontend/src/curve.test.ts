import { curveSeries, curveSummary, metricTitle } from './curve';

const pt = (cycle: number, labels: number, metrics: Record<string, number>) => ({
  cycle,
  labels,
  metrics: Object.entries(metrics).map(([name, value]) => ({ name, value })),
});

describe('learning curve data', () => {
  it('takes the task headline metric in cycle order and leaves out points without it', () => {
    const points = [pt(2, 50, { rmse: 0.7, r2: 0.8 }), pt(0, 0, { rmse: 0.9 }), pt(1, 25, { r2: 0.7 })];
    expect(curveSeries(points, 'REGRESSION')).toEqual([
      { cycle: 0, labels: 0, value: 0.9 },
      { cycle: 2, labels: 50, value: 0.7 },
    ]);
    expect(curveSeries([pt(0, 0, { roc_auc: 0.8, rmse: 0.4 })], 'CLASSIFICATION')).toEqual([{ cycle: 0, labels: 0, value: 0.8 }]);
  });

  it('summarises the change in the direction that is better for the metric', () => {
    const reg = curveSeries([pt(0, 0, { rmse: 0.9 }), pt(1, 25, { rmse: 0.85 }), pt(2, 50, { rmse: 0.8 })], 'REGRESSION');
    expect(curveSummary(reg, 'REGRESSION')).toBe('RMSE 0.900 → 0.800 (better) after 50 labels over 2 cycles.');
    const cls = curveSeries([pt(0, 0, { roc_auc: 0.8 }), pt(1, 1, { roc_auc: 0.75 })], 'CLASSIFICATION');
    expect(curveSummary(cls, 'CLASSIFICATION')).toBe('ROC-AUC 0.800 → 0.750 (worse) after 1 label over 1 cycle.');
    expect(curveSummary(reg.slice(0, 1), 'REGRESSION')).toBe('RMSE 0.900 before any labels; each retrain adds a point.');
    expect(curveSummary([], 'CLASSIFICATION')).toBe('No ROC-AUC measured yet.');
    expect(metricTitle('roc_auc')).toBe('ROC-AUC');
  });
});
