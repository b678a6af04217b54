// Pure logic of the prediction panel: where an interval sits on the
// endpoint's observed range, and how far the model can be trusted here.

/** Range is the endpoint's observed range (smallest and largest measured value). */
export interface Range {
  min: number;
  max: number;
}

/** Z90 is the half-width of a central 90 % normal interval in standard deviations. */
export const Z90 = 1.645;

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
