// Pure logic of the label form: what a labeler typed, checked before it
// is sent, and server errors turned into one readable line.

export type Task = 'REGRESSION' | 'CLASSIFICATION';
export type LabelSource = 'EXPERIMENTAL' | 'LITERATURE' | 'EXPERT_ESTIMATE';
export type LabelConfidence = 'HIGH' | 'MEDIUM' | 'LOW';

export const SOURCES: { value: LabelSource; label: string }[] = [
  { value: 'EXPERIMENTAL', label: 'Experimental' },
  { value: 'LITERATURE', label: 'Literature' },
  { value: 'EXPERT_ESTIMATE', label: 'Expert estimate' },
];

export const CONFIDENCES: { value: LabelConfidence; label: string }[] = [
  { value: 'HIGH', label: 'High' },
  { value: 'MEDIUM', label: 'Medium' },
  { value: 'LOW', label: 'Low' },
];

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

/** BINARY_CLASSES are the classes of a classification model created without names. */
export const BINARY_CLASSES = ['0', '1'];

/** isBinaryDefault says whether classes are the unnamed binary "0", "1". */
function isBinaryDefault(classes: string[]): boolean {
  return classes.length === 2 && classes[0] === '0' && classes[1] === '1';
}

/**
 * classKeys are the keys that label each class on a classification card:
 * "0" and "1" for the unnamed binary classes (the key is the label), else
 * "1" to "K" in class order; a class past the ninth has no key ("").
 */
export function classKeys(classes: string[]): string[] {
  if (isBinaryDefault(classes)) return [...BINARY_CLASSES];
  return classes.map((_, k) => (k < 9 ? String(k + 1) : ''));
}

/** classLabel names a classification label (a class index) by its class, else shows the number. */
export function classLabel(value: number | null | undefined, classes: string[] | null | undefined): string {
  if (value !== null && value !== undefined && classes && Number.isInteger(value) && value >= 0 && value < classes.length) return classes[value];
  return formatNumber(value);
}

/**
 * parseLabelValue reads the value field: a finite decimal number (a comma
 * as decimal separator is accepted, "1e-3" too); for classification a
 * class name or index of classes (default "0", "1"), read as the index.
 * The error says what is wrong in the labeler's terms.
 */
export function parseLabelValue(text: string, task: Task, classes: string[] = BINARY_CLASSES): Parsed {
  if (task === 'CLASSIFICATION' && !isBinaryDefault(classes)) {
    const k = classes.indexOf(text.trim());
    if (k >= 0) return { ok: true, value: k };
    const i = /^\d+$/.test(text.trim()) ? Number(text.trim()) : -1;
    if (i >= 0 && i < classes.length) return { ok: true, value: i };
    return { ok: false, error: `A label is one of the classes: ${classes.join(', ')}.` };
  }
  const t = text.trim().replace(',', '.');
  if (t === '') return { ok: false, error: 'Enter a value.' };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    return { ok: false, error: `"${text.trim()}" is not a number.` };
  }
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `"${text.trim()}" is too large.` };
  if (task === 'CLASSIFICATION' && v !== 0 && v !== 1) {
    return { ok: false, error: 'A classification label is 0 or 1.' };
  }
  return { ok: true, value: v };
}

/** A GraphQL error as urql reports it: network failure or errors with codes. */
export interface ApiError {
  networkError?: Error;
  graphQLErrors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * errorMessage turns an API error into one line for the page: the server's
 * message for input problems and conflicts, a plain sentence otherwise.
 */
export function errorMessage(err: ApiError | undefined | null): string {
  if (!err) return '';
  if (err.networkError) return 'The server cannot be reached. Check your connection and try again.';
  const first = err.graphQLErrors?.[0];
  if (!first) return 'Something went wrong.';
  switch (first.extensions?.code) {
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Sign in again.';
    case 'FORBIDDEN':
      return 'Your role does not allow this.';
    case 'CONFLICT':
      return `Conflict: ${first.message}`;
    case 'INTERNAL':
      return 'The server failed. Try again; if it persists, tell an admin.';
    default:
      return first.message;
  }
}

/** formatNumber shows a prediction or uncertainty with 3 significant decimals. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

/** headlineMetric returns the named metric's value, or null when absent. */
export function headlineMetric(metrics: { name: string; value: number }[], name: string): number | null {
  return metrics.find((m) => m.name === name)?.value ?? null;
}

/** day shows a time as its date (YYYY-MM-DD, UTC), or a dash. */
export function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '–';
}

/** nextConfidence steps high → medium → low → high (the c key of a classification card). */
export function nextConfidence(c: LabelConfidence): LabelConfidence {
  const i = CONFIDENCES.findIndex((x) => x.value === c);
  return CONFIDENCES[(i + 1) % CONFIDENCES.length].value;
}
