import { lazy, Suspense } from 'react';
import { curveSeries, curveSummary, headlineName, metricTitle, type CurvePoint } from './curve';
import type { Task } from './label';

const Chart = lazy(() => import('./LearningCurveChart'));

/**
 * LearningCurve shows how the model's validation metric (always on the
 * same held-out set) moved as labels were added: a one-line summary, and
 * the curve once there are two points.
 */
export function LearningCurve({ points, task }: { points: CurvePoint[]; task: Task }) {
  const series = curveSeries(points, task);
  const metric = metricTitle(headlineName(task));
  return (
    <section className="curve" aria-label="Learning curve">
      <h3>Learning curve</h3>
      <p data-testid="curve-summary">{curveSummary(series, task)}</p>
      {series.length >= 2 && (
        <figure role="img" aria-label={`${metric} against labels added`}>
          <Suspense fallback={<span className="muted">Drawing…</span>}>
            <Chart series={series} metric={metric} />
          </Suspense>
        </figure>
      )}
    </section>
  );
}
