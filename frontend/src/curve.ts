// The learning curve's data: validation metric against labels added, one
// point for the first model and one per completed cycle.
import type { Metric } from './api';
import type { Task } from './label';

export interface CurvePoint {
  cycle: number;
  labels: number;
  metrics: Metric[];
}

export interface SeriesPoint {
  cycle: number;
  labels: number;
  value: number;
}

/** headlineName is the metric a task's curve shows: RMSE (lower is better) or ROC-AUC (higher is better). */
export function headlineName(task: Task): 'rmse' | 'roc_auc' {
  return task === 'CLASSIFICATION' ? 'roc_auc' : 'rmse';
}

/** metricTitle is a metric's name as users read it ("rmse" → "RMSE", "roc_auc" → "ROC-AUC"). */
export function metricTitle(name: string): string {
  return name.toUpperCase().replace('_', '-');
}

/**
 * curveSeries picks the task's headline metric from each point, in cycle
 * order; points without it (a retrain whose metrics could not be computed)
 * are left out rather than drawn as zero.
 */
export function curveSeries(points: CurvePoint[], task: Task): SeriesPoint[] {
  const name = headlineName(task);
  const out: SeriesPoint[] = [];
  for (const p of [...points].sort((a, b) => a.cycle - b.cycle)) {
    const m = p.metrics.find((x) => x.name === name);
    if (m && Number.isFinite(m.value)) out.push({ cycle: p.cycle, labels: p.labels, value: m.value });
  }
  return out;
}

/**
 * curveSummary says in one line how the model changed: from the first
 * point to the last, with the number of labels it took, and whether that
 * is better (RMSE down, ROC-AUC up).
 */
export function curveSummary(series: SeriesPoint[], task: Task): string {
  const title = metricTitle(headlineName(task));
  if (series.length === 0) return `No ${title} measured yet.`;
  const first = series[0];
  const last = series[series.length - 1];
  if (series.length === 1) return `${title} ${first.value.toFixed(3)} before any labels; each retrain adds a point.`;
  const delta = last.value - first.value;
  const better = task === 'CLASSIFICATION' ? delta > 0 : delta < 0;
  const verdict = delta === 0 ? 'unchanged' : better ? 'better' : 'worse';
  const n = last.labels - first.labels;
  return `${title} ${first.value.toFixed(3)} → ${last.value.toFixed(3)} (${verdict}) after ${n} ${n === 1 ? 'label' : 'labels'} over ${series.length - 1} ${series.length === 2 ? 'cycle' : 'cycles'}.`;
}
