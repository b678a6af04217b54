import { formatNumber } from './label';
import { Z90, applicability, scaleOf, type Range } from './prediction';

interface Props {
  endpoint: string;
  prediction: number | null;
  uncertainty: number | null;
  distance: number | null;
  /** The endpoint's observed range (null when unknown). */
  range: Range | null;
  strategy: string;
}

/**
 * PredictionPanel draws the prediction with its 90 % interval (± 1.645 σ)
 * on the endpoint's observed range, and an applicability scale whose
 * verdict gives its reasons: distance to the training set and the
 * ensemble's disagreement, so a compound close to training compounds but
 * predicted ±2.5 does not read as safe.
 */
export function PredictionPanel({ endpoint, prediction, uncertainty, distance, range, strategy }: Props) {
  const a = applicability(distance, uncertainty, range);
  const known = prediction !== null && Number.isFinite(prediction);
  const sd = uncertainty ?? 0;
  const lo = known ? prediction - Z90 * sd : 0;
  const hi = known ? prediction + Z90 * sd : 0;
  const s = range && known ? scaleOf(range, lo, hi) : null;
  const pct = (v: number) => `${(s!.at(v) * 100).toFixed(2)}%`;
  return (
    <section className="prediction-panel" aria-label="Prediction">
      <p className="prediction-line">
        <span className="muted">Predicted {endpoint}</span>{' '}
        <strong data-testid="prediction">
          {formatNumber(prediction)} ± {formatNumber(uncertainty)}
        </strong>{' '}
        <span className="muted small">
          90 % interval {formatNumber(lo)} to {formatNumber(hi)} · selected by {strategy}
        </span>
      </p>
      {s && range && (
        <svg
          className="interval"
          viewBox="0 0 100 16"
          preserveAspectRatio="none"
          role="img"
          aria-label={`Prediction ${formatNumber(prediction)}, 90 % interval ${formatNumber(lo)} to ${formatNumber(hi)}, on the observed range ${formatNumber(range.min)} to ${formatNumber(range.max)}`}
        >
          <rect x={pct(range.min)} y="6" width={`${((s.at(range.max) - s.at(range.min)) * 100).toFixed(2)}%`} height="4" className="range" />
          <rect x={pct(lo)} y="3" width={`${Math.max((s.at(hi) - s.at(lo)) * 100, 0.5).toFixed(2)}%`} height="10" className="band" />
          <rect x={pct(prediction!)} y="1" width="0.6%" height="14" className="point" />
        </svg>
      )}
      {s && range && (
        <p className="axis muted small" aria-hidden="true">
          <span>{formatNumber(range.min)}</span>
          <span>observed {endpoint} range</span>
          <span>{formatNumber(range.max)}</span>
        </p>
      )}
      <div className={`applicability ${a.level}`} data-testid="applicability">
        <div className="scale" aria-hidden="true">
          <span className="marker" style={{ left: `${(a.position * 100).toFixed(1)}%` }} />
        </div>
        <p>
          <strong>{a.title}</strong>
          {a.reasons.length > 0 && `: ${a.reasons.join('; ')}.`}
        </p>
      </div>
    </section>
  );
}
