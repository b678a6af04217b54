// Pure logic of the label lifecycle as a labeler meets it: a value the
// server refuses as implausible (and may be confirmed), which of my labels
// I may still correct or retract, and how an archived item or a corrected
// label reads.
import type { ApiError } from './label';
import { formatNumber } from './label';

/** A value the server refused as implausible (extensions.code IMPLAUSIBLE_VALUE), with the numbers behind the refusal. */
export interface Implausible {
  value: number;
  /** The server's reason, in words ("it lies beyond the endpoint's observed range …"). */
  reason: string;
  /** The endpoint's observed range and how many measurements make it, when it has one. */
  range: { min: number; max: number; count: number } | null;
  prediction: number | null;
  uncertainty: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * implausibleOf reads an IMPLAUSIBLE_VALUE refusal (activelearning's
 * ImplausibleError: extensions reason, value, range {min, max, count},
 * prediction, uncertainty), or returns null for any other error.
 */
export function implausibleOf(err: ApiError | null | undefined, value: number): Implausible | null {
  const first = err?.graphQLErrors?.find((e) => e.extensions?.code === 'IMPLAUSIBLE_VALUE');
  if (!first) return null;
  const ext = first.extensions ?? {};
  const r = ext.range as { min?: unknown; max?: unknown; count?: unknown } | undefined;
  const min = num(r?.min);
  const max = num(r?.max);
  return {
    value: num(ext.value) ?? value,
    reason: typeof ext.reason === 'string' && ext.reason ? ext.reason : first.message,
    range: min !== null && max !== null ? { min, max, count: num(r?.count) ?? 0 } : null,
    prediction: num(ext.prediction),
    uncertainty: num(ext.uncertainty),
  };
}

/**
 * implausibleFacts says what the value was checked against, for people:
 * "observed logS -11.600 to 1.580 (282 measurements) · predicted -3.000 ± 0.500".
 */
export function implausibleFacts(i: Implausible, endpoint: string): string {
  const parts: string[] = [];
  if (i.range) {
    const n = i.range.count > 0 ? ` (${i.range.count} ${i.range.count === 1 ? 'measurement' : 'measurements'})` : '';
    parts.push(`observed ${endpoint} ${formatNumber(i.range.min)} to ${formatNumber(i.range.max)}${n}`);
  }
  if (i.prediction !== null) parts.push(`predicted ${formatNumber(i.prediction)}${i.uncertainty !== null ? ` ± ${formatNumber(i.uncertainty)}` : ''}`);
  return parts.join(' · ');
}

/**
 * CORRECTION_WINDOW_HOURS is the server's default correction window
 * (activelearning Config.CorrectionWindow): how long a labeler may correct
 * or retract their own label. The server decides; the page only offers.
 */
export const CORRECTION_WINDOW_HOURS = 24;

/** The fields of a labeled item that decide who may correct it. */
export interface Correctable {
  labeledAt: string | null;
  labeledBy: { id: string } | null;
}

/**
 * mayCorrect says whether a user may still correct or retract a label, as
 * the server rules (activelearning.mayCorrect): an admin at any time; its
 * labeler within the correction window of labeling it; nobody else. The
 * answer's why is shown when the answer is no.
 */
export function mayCorrect(
  item: Correctable,
  me: { id: string; role: string },
  now: Date = new Date(),
  windowHours = CORRECTION_WINDOW_HOURS,
): { ok: true } | { ok: false; why: string } {
  if (me.role === 'VIEWER') return { ok: false, why: 'Viewers cannot change labels.' };
  if (me.role === 'ADMIN') return { ok: true };
  if (!item.labeledBy || item.labeledBy.id !== me.id) return { ok: false, why: 'Someone else gave this label; they or an admin may correct it.' };
  const at = item.labeledAt ? new Date(item.labeledAt).getTime() : NaN;
  if (Number.isFinite(at) && now.getTime() - at > windowHours * 3600 * 1000) {
    return { ok: false, why: `Labeled more than ${windowHours} hours ago: ask an admin to correct it.` };
  }
  return { ok: true };
}

/** archivedNote says which version trained on an archived item's label ("archived with v3"), or '' when it is not archived. */
export function archivedNote(item: { archivedAt?: string | null; archivedWith?: { version: number } | null }): string {
  if (!item.archivedAt) return '';
  return item.archivedWith ? `archived with v${item.archivedWith.version}` : 'archived';
}

/** A label history entry as the queue reads it. */
export interface Change {
  action: 'LABELED' | 'AMENDED' | 'RETRACTED';
  value: number | null;
  previousValue: number | null;
  reason: string;
  createdAt: string;
  /** Who changed it; the email is null for users who may not see it (non-admins). */
  user: { name: string; email: string | null } | null;
}

/**
 * changeLine tells one correction or retraction in a line: "2026-12-06
 * 14:05 Ada: -2.000 → -1.950 (typo)", "… Ada retracted -2.000 (wrong
 * compound)"; a first label is "… Ada labeled -2.000".
 */
export function changeLine(c: Change): string {
  const when = `${c.createdAt.slice(0, 16).replace('T', ' ')}`;
  const who = c.user ? c.user.name || c.user.email || 'a user' : 'someone';
  const why = c.reason ? ` (${c.reason})` : '';
  switch (c.action) {
    case 'AMENDED':
      return `${when} ${who}: ${formatNumber(c.previousValue)} → ${formatNumber(c.value)}${why}`;
    case 'RETRACTED':
      return `${when} ${who} retracted ${formatNumber(c.previousValue)}${why}`;
    default:
      return `${when} ${who} labeled ${formatNumber(c.value)}${why}`;
  }
}

/** corrections are the entries of a label history worth showing beside the label: every change after the first label. */
export function corrections<T extends { action: string }>(history: T[]): T[] {
  return history.filter((c) => c.action !== 'LABELED');
}

/** labeledToday counts the labels given on now's calendar day, in the labeler's own time zone. */
export function labeledToday(labels: { labeledAt: string | null }[], now: Date = new Date()): number {
  const today = now.toDateString();
  return labels.filter((l) => l.labeledAt && new Date(l.labeledAt).toDateString() === today).length;
}
