// Pure logic of the Cycle History tab: every metric before and after a
// retrain, and which cycles can be retrained.
import type { Cycle, Metric } from './api';

/** LOWER_IS_BETTER names the metrics where a drop is an improvement. */
const LOWER_IS_BETTER = new Set(['rmse', 'mae', 'log_loss', 'brier', 'ece']);

export interface MetricChange {
  name: string;
  before: number | null;
  after: number | null;
  /** 'better', 'worse', 'same', or '' when one side is missing or the direction is unknown. */
  verdict: 'better' | 'worse' | 'same' | '';
}

/** metricChanges pairs every metric of before and after (the union, in before's order, then after's). */
export function metricChanges(before: Metric[], after: Metric[]): MetricChange[] {
  const names: string[] = [];
  for (const m of [...before, ...after]) if (!names.includes(m.name)) names.push(m.name);
  return names.map((name) => {
    const b = before.find((m) => m.name === name)?.value ?? null;
    const a = after.find((m) => m.name === name)?.value ?? null;
    let verdict: MetricChange['verdict'] = '';
    if (b !== null && a !== null) {
      const d = a - b;
      if (Math.abs(d) < 1e-12) verdict = 'same';
      else if (name.startsWith('coverage')) verdict = Math.abs(a - 0.9) < Math.abs(b - 0.9) ? 'better' : 'worse';
      else verdict = (LOWER_IS_BETTER.has(name) ? d < 0 : d > 0) ? 'better' : 'worse';
    }
    return { name, before: b, after: a, verdict };
  });
}

/**
 * retrainable lists the cycles an admin may retrain: every cycle still
 * labeling that has labels (not only the newest, which may have none yet),
 * oldest first.
 */
export function retrainable(cycles: Cycle[]): Cycle[] {
  return cycles.filter((c) => c.status === 'LABELING' && c.itemsLabeled > 0).sort((a, b) => a.cycleNumber - b.cycleNumber);
}

/** openCycle is a cycle still selecting, labeling or training (starting another should be confirmed), or null. */
export function openCycle(cycles: Cycle[]): Cycle | null {
  return [...cycles].sort((a, b) => b.cycleNumber - a.cycleNumber).find((c) => c.status === 'LABELING' || c.status === 'SELECTING' || c.status === 'TRAINING') ?? null;
}

/**
 * startedLine says who started a cycle and when, for the timeline: "started
 * 2026-12-06 14:05 UTC by Ada" (the name, else the email, which only admins
 * see, else "a user"); without a user (the demo seed, a deleted account),
 * "started 2026-12-06 14:05 UTC".
 */
export function startedLine(c: Pick<Cycle, 'startedAt' | 'startedBy'>): string {
  const t = new Date(c.startedAt);
  const iso = Number.isNaN(t.getTime()) ? c.startedAt : t.toISOString();
  const when = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  if (!c.startedBy) return `started ${when}`;
  return `started ${when} by ${c.startedBy.name || c.startedBy.email || 'a user'}`;
}

/**
 * diagnosisLine is a cycle's self-check for the timeline: the server's
 * sentence (what the cycle's own labels say about its selection, or how
 * many labels it still needs) with a capital and a full stop.
 */
export function diagnosisLine(d: NonNullable<Cycle['diagnosis']>): string {
  const s = d.sentence.trim();
  if (!s) return '';
  const line = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(line) ? line : `${line}.`;
}
