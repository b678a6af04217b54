import { formatNumber } from './label';
import { applicability, bandOf, histogram, scaleOf, type Interval, type Range } from './prediction';

interface Props {
  endpoint: string;
  prediction: number | null;
  uncertainty: number | null;
  /** The model's calibrated interval (null: none, the panel falls back to ±1.645 σ). */
  interval?: Interval | null;
  distance: number | null;
  /** The endpoint's observed range (null when unknown). */
  range: Range | null;
  strategy: string;
  /** The endpoint's measured values, drawn as a histogram behind the interval (empty: none). */
  observed?: number[];
}

/** BINS is how many bars the observed distribution gets. */
const BINS = 24;

/**
 * PredictionPanel draws the prediction with its interval on the
 * endpoint's observed range: the model's calibrated 90 % interval when
 * the item has one, else ± 1.645 σ of the ensemble's spread, and the text
 * says which (see bandOf). Below it, an applicability scale whose
 * verdict gives its reasons: distance to the training set and the
 * ensemble's disagreement, so a compound close to training compounds but
 * predicted ±2.5 does not read as safe.
 */
export function PredictionPanel({ endpoint, prediction, uncertainty, interval = null, distance, range, strategy, observed = [] }: Props) {
  const a = applicability(distance, uncertainty, range);
  const known = prediction !== null && Number.isFinite(prediction);
  const band = known ? bandOf(prediction, uncertainty, interval) : null;
  const lo = band?.low ?? 0;
  const hi = band?.high ?? 0;
  const words = band ? `${band.percent} % interval ${formatNumber(lo)} to ${formatNumber(hi)} (${band.how})` : '';
  const s = range && known ? scaleOf(range, lo, hi) : null;
  const pct = (v: number) => `${(s!.at(v) * 100).toFixed(2)}%`;
  const bins = range ? histogram(observed, BINS, range.min, range.max) : [];
  const tallest = Math.max(1, ...bins);
  const binWidth = range ? (range.max - range.min) / BINS : 0;
  return (
    <section className="prediction-panel" aria-label="Prediction">
      <p className="prediction-line">
        <span className="muted">Predicted {endpoint}</span>{' '}
        <strong data-testid="prediction">
          {formatNumber(prediction)} ± {formatNumber(uncertainty)}
        </strong>{' '}
        <span className="muted small" data-testid="interval">
          {band && `${words} · `}selected by {strategy}
        </span>
      </p>
      {s && range && (
        <svg
          className="interval"
          viewBox="0 0 100 26"
          preserveAspectRatio="none"
          role="img"
          aria-label={`Prediction ${formatNumber(prediction)}, ${words}, on the observed range ${formatNumber(range.min)} to ${formatNumber(range.max)}${observed.length ? ` of ${observed.length} measurements` : ''}`}
        >
          {bins.map((n, i) =>
            n === 0 ? null : (
              <rect
                key={i}
                className="bin"
                x={pct(range.min + i * binWidth)}
                width={`${((s.at(range.min + binWidth) - s.at(range.min)) * 100 * 0.9).toFixed(2)}%`}
                y={20 - (n / tallest) * 18}
                height={(n / tallest) * 18}
              />
            ),
          )}
          <rect x={pct(range.min)} y="21" width={`${((s.at(range.max) - s.at(range.min)) * 100).toFixed(2)}%`} height="3" className="range" />
          <rect
            x={pct(lo)}
            y="2"
            width={`${Math.max((s.at(hi) - s.at(lo)) * 100, 0.5).toFixed(2)}%`}
            height="23"
            className={band?.calibrated ? 'band calibrated' : 'band'}
          />
          <rect x={pct(prediction!)} y="0" width="0.6%" height="26" className="point" />
        </svg>
      )}
      {s && range && (
        <p className="axis muted small" aria-hidden="true">
          <span>{formatNumber(range.min)}</span>
          <span>observed {endpoint} range{observed.length > 0 && `, ${observed.length} measurements`}</span>
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
