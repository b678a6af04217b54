// Pure logic of the prediction panel: where an interval sits on the
// endpoint's observed range, and how far the model can be trusted here.

/** Range is the endpoint's observed range (smallest and largest measured value). */
export interface Range {
  min: number;
  max: number;
}

/** Z90 is the half-width of a central 90 % normal interval in standard deviations. */
export const Z90 = 1.645;

/** Interval is a prediction interval as the API gives it (PredictionInterval). */
export interface Interval {
  low: number;
  high: number;
  level: number;
}

/** Band is the interval the prediction panel draws, and how it was made. */
export interface Band {
  low: number;
  high: number;
  /** Its coverage in percent (90 for a 90 % interval). */
  percent: number;
  /** True for the model's calibrated (split-conformal) interval, false for ±1.645 σ. */
  calibrated: boolean;
  /** How it was made, for the panel's text: "calibrated" or "± 1.645 σ, not calibrated". */
  how: string;
}

/**
 * bandOf is the interval the panel draws around a known prediction: the
 * model's calibrated interval when the item has one (regression versions
 * with out-of-bag calibration), else the normal approximation ±1.645 σ of
 * the ensemble's spread, which promises 90 % only if the errors are
 * normal with that spread (they are not, on ESOL: issue 16).
 */
export function bandOf(prediction: number, uncertainty: number | null, interval: Interval | null | undefined): Band {
  if (interval && Number.isFinite(interval.low) && Number.isFinite(interval.high)) {
    return { low: interval.low, high: interval.high, percent: Math.round(interval.level * 1000) / 10, calibrated: true, how: 'calibrated' };
  }
  const sd = uncertainty !== null && Number.isFinite(uncertainty) ? uncertainty : 0;
  return { low: prediction - Z90 * sd, high: prediction + Z90 * sd, percent: 90, calibrated: false, how: `± ${Z90} σ, not calibrated` };
}

/**
 * scaleOf maps values to [0, 1] along an axis covering the observed range
 * and the interval (so an interval beyond the range is still drawn), with a
 * 5 % margin each side.
 */
export function scaleOf(range: Range, lo: number, hi: number): { min: number; max: number; at: (v: number) => number } {
  let min = Math.min(range.min, lo);
  let max = Math.max(range.max, hi);
  if (!(max > min)) {
    min -= 1;
    max += 1;
  }
  const pad = (max - min) * 0.05;
  min -= pad;
  max += pad;
  return { min, max, at: (v: number) => (v - min) / (max - min) };
}

export type Level = 'in' | 'edge' | 'out';

export interface Applicability {
  level: Level;
  /** The verdict in words ("In domain", "At the edge", "Out of domain"). */
  title: string;
  /** Why: the distance and the uncertainty, each in words. */
  reasons: string[];
  /** Position of the compound on the scale, 0 (close to training) to 1 (far). */
  position: number;
}

/** Thresholds of the applicability verdict (documented on the card's ? overlay). */
export const DISTANCE_EDGE = 0.4;
export const DISTANCE_OUT = 0.7;
export const SPREAD_EDGE = 0.08;
export const SPREAD_OUT = 0.15;

const TITLES: Record<Level, string> = { in: 'In domain', edge: 'At the edge of the domain', out: 'Out of domain' };

/**
 * applicability judges whether a prediction can be trusted from two
 * signals, the worse of which decides: the distance to the training set
 * (1 − highest Tanimoto similarity; edge from 0.4, out from 0.7) and the
 * ensemble's uncertainty as a share of the endpoint's observed span (edge
 * from 8 %, out from 15 %). A compound at distance 0 whose members disagree
 * by ±2.5 on a 13-unit range is out of domain, and the reason says so.
 */
export function applicability(distance: number | null, uncertainty: number | null, range: Range | null): Applicability {
  const reasons: string[] = [];
  let level: Level = 'in';
  const worse = (l: Level) => {
    if (l === 'out' || (l === 'edge' && level === 'in')) level = l;
  };
  let position = 0;
  if (distance !== null && Number.isFinite(distance)) {
    const d = Math.min(Math.max(distance, 0), 1);
    position = d;
    if (d >= DISTANCE_OUT) {
      worse('out');
      reasons.push(`far from the training set (distance ${d.toFixed(2)})`);
    } else if (d >= DISTANCE_EDGE) {
      worse('edge');
      reasons.push(`some way from the training set (distance ${d.toFixed(2)})`);
    } else {
      reasons.push(`close to the training set (distance ${d.toFixed(2)})`);
    }
  }
  const span = range ? range.max - range.min : 0;
  if (uncertainty !== null && Number.isFinite(uncertainty) && span > 0) {
    const share = uncertainty / span;
    position = Math.max(position, Math.min(share / (2 * SPREAD_OUT), 1));
    const pct = `${Math.round(share * 100)} % of the observed range`;
    if (share >= SPREAD_OUT) {
      worse('out');
      reasons.push(`the ensemble disagrees widely (±${uncertainty.toFixed(2)}, ${pct})`);
    } else if (share >= SPREAD_EDGE) {
      worse('edge');
      reasons.push(`the ensemble disagrees (±${uncertainty.toFixed(2)}, ${pct})`);
    } else {
      reasons.push(`the ensemble agrees (±${uncertainty.toFixed(2)}, ${pct})`);
    }
  }
  if (level === 'in') position = Math.min(position, 0.33);
  else if (level === 'edge') position = Math.min(Math.max(position, 0.34), 0.66);
  else position = Math.max(position, 0.67);
  return { level, title: TITLES[level], reasons, position };
}

/**
 * csvColumn reads one column of a CSV text with a header row (RFC 4180:
 * quoted fields may hold commas, doubled quotes and newlines) as numbers,
 * skipping empty or non-numeric cells. It reads the measurement export
 * (/export/measurements.csv) for the distribution behind the interval.
 */
export function csvColumn(text: string, column: string): number[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const at = rows[0]?.indexOf(column) ?? -1;
  if (at < 0) return [];
  const out: number[] = [];
  for (const r of rows.slice(1)) {
    const t = r[at]?.trim();
    if (!t) continue;
    const v = Number(t);
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** histogram counts values into n equal-width bins over [min, max] (values outside are left out). */
export function histogram(values: number[], n: number, min: number, max: number): number[] {
  const bins = new Array<number>(n).fill(0);
  if (!(max > min) || n < 1) return bins;
  for (const v of values) {
    if (v < min || v > max) continue;
    bins[Math.min(Math.floor(((v - min) / (max - min)) * n), n - 1)]++;
  }
  return bins;
}
