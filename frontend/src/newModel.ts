// Pure logic of the create-model form: the endpoints and sets it offers,
// and what an admin typed, checked before it is sent.
import type { Task } from './label';

export interface EndpointInfo {
  name: string;
  compounds: number;
  measurements: number;
  min: number;
  max: number;
  binary: boolean;
}

export interface SetInfo {
  id: string;
  name: string;
  size: number;
}

export interface ModelForm {
  name: string;
  endpoint: string;
  task: Task;
  /** '' = every measured compound */
  trainingSetId: string;
  split: 'random' | 'scaffold';
  /** percent held out for validation, as typed */
  validationPercent: string;
  /** as typed */
  members: string;
  learner: string;
  /** classification: class names in index order, comma-separated, as typed ('' = the binary 0/1) */
  classes: string;
  /** every retrain also measures what the strategy's and the random picks were each worth */
  gainCheck: boolean;
}

/** MIN_MEASURED is the service's floor: a model needs at least 10 measured compounds. */
export const MIN_MEASURED = 10;

export const LEARNERS: { value: string; label: string; task?: Task }[] = [
  { value: 'forest+linear', label: 'Forest + linear (default)' },
  { value: 'forest', label: 'Random forest' },
  { value: 'ridge', label: 'Ridge regression', task: 'REGRESSION' },
  { value: 'logistic', label: 'Logistic regression', task: 'CLASSIFICATION' },
];

/** describeEndpoint is an endpoint as the form's list shows it. */
export function describeEndpoint(e: EndpointInfo): string {
  const range = e.binary ? '0/1' : `${fmt(e.min)} to ${fmt(e.max)}`;
  return `${e.name} (${e.compounds} ${e.compounds === 1 ? 'compound' : 'compounds'}, ${range})`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** taskFor proposes a task for an endpoint: classification when every value is 0 or 1. */
export function taskFor(e: EndpointInfo | undefined): Task {
  return e?.binary ? 'CLASSIFICATION' : 'REGRESSION';
}

export interface CreateModelInput {
  name: string;
  endpoint: string;
  task: Task;
  members: number;
  learner: string;
  trainingSetId: string | null;
  split: { kind: string; fraction: number };
  /** classification with named classes (in index order); absent for 0/1 */
  classes?: string[];
  /** present (true) only when asked for */
  gainCheck?: boolean;
}

export type Checked = { ok: true; input: CreateModelInput } | { ok: false; field: keyof ModelForm; error: string };

/**
 * checkModelForm checks the form against what the server will accept and
 * says what is wrong in the admin's terms, naming the field: a name, an
 * endpoint with enough measured compounds, 0/1 values for a classification,
 * a learner that fits the task, 2–256 members, 1–50 % held out.
 */
export function checkModelForm(f: ModelForm, endpoints: EndpointInfo[], existingNames: string[]): Checked {
  const name = f.name.trim();
  if (name === '') return { ok: false, field: 'name', error: 'Name the model.' };
  if (existingNames.includes(name)) return { ok: false, field: 'name', error: `A model named “${name}” exists; choose another name.` };
  const ep = endpoints.find((e) => e.name === f.endpoint);
  if (!ep) return { ok: false, field: 'endpoint', error: 'Choose an endpoint with measurements (import values first).' };
  if (ep.compounds < MIN_MEASURED) {
    return { ok: false, field: 'endpoint', error: `${ep.name} has ${ep.compounds} measured compounds; a model needs at least ${MIN_MEASURED}.` };
  }
  const classes = f.task === 'CLASSIFICATION' ? parseClasses(f.classes) : [];
  if (f.task === 'CLASSIFICATION' && classes.length > 0) {
    const named = checkClasses(classes, ep);
    if (named) return { ok: false, field: 'classes', error: named };
  } else if (f.task === 'CLASSIFICATION' && !ep.binary) {
    return {
      ok: false,
      field: 'task',
      error: `Classification needs 0/1 values, or class names; ${ep.name} ranges from ${fmt(ep.min)} to ${fmt(ep.max)}.`,
    };
  }
  const learner = LEARNERS.find((l) => l.value === f.learner);
  if (!learner) return { ok: false, field: 'learner', error: 'Choose a learner.' };
  if (learner.task && learner.task !== f.task) {
    return { ok: false, field: 'learner', error: `${learner.label} is for ${learner.task.toLowerCase()}.` };
  }
  const members = Number(f.members.trim());
  if (!Number.isInteger(members) || members < 2 || members > 256) {
    return { ok: false, field: 'members', error: 'Ensemble size is a whole number from 2 to 256.' };
  }
  const pct = Number(f.validationPercent.trim().replace(',', '.'));
  if (f.validationPercent.trim() === '' || !Number.isFinite(pct) || pct <= 0 || pct > 50) {
    return { ok: false, field: 'validationPercent', error: 'Hold out more than 0 and at most 50 % for validation.' };
  }
  return {
    ok: true,
    input: {
      name,
      endpoint: ep.name,
      task: f.task,
      members,
      learner: f.learner,
      trainingSetId: f.trainingSetId || null,
      split: { kind: f.split, fraction: pct / 100 },
      ...(classes.length > 0 ? { classes } : {}),
      ...(f.gainCheck ? { gainCheck: true } : {}),
    },
  };
}

/** parseClasses reads the classes field: comma-separated names, trimmed ([] when empty). */
export function parseClasses(text: string): string[] {
  return text.trim() === '' ? [] : text.split(',').map((c) => c.trim());
}

/**
 * classNamesProblem says what is wrong with class names (null when
 * nothing), by the server's rules for a model's classes and an import's
 * alike (ingest.CheckClasses): 2 to 64 names of 1 to 64 characters of
 * printable ASCII, no two the same ignoring case (a label "Low" must name
 * one class).
 */
export function classNamesProblem(classes: string[]): string | null {
  if (classes.length < 2 || classes.length > 64) return 'Name 2 to 64 classes, separated by commas (low, medium, high).';
  if (classes.some((c) => c === '')) return 'A class name is empty.';
  const long = classes.find((c) => c.length > 64);
  if (long) return `Class “${long.slice(0, 20)}…” is longer than 64 characters.`;
  const odd = classes.find((c) => !/^[\x20-\x7e]+$/.test(c));
  if (odd) return `Class “${odd}”: letters, digits and punctuation of plain ASCII only.`;
  const lower = classes.map((c) => c.toLowerCase());
  const dup = classes.find((_, i) => lower.indexOf(lower[i]) !== i);
  if (dup) {
    const first = classes[lower.indexOf(dup.toLowerCase())];
    return first === dup ? `Class “${dup}” is named twice.` : `Classes “${first}” and “${dup}” differ only in case.`;
  }
  return null;
}

/**
 * checkClasses says what is wrong with class names for an endpoint (null
 * when nothing): classNamesProblem, and the endpoint's values (class
 * indexes, as imported with the classes) within 0 to K − 1.
 */
function checkClasses(classes: string[], ep: EndpointInfo): string | null {
  const problem = classNamesProblem(classes);
  if (problem) return problem;
  if (ep.min < 0 || ep.max > classes.length - 1) {
    return `${ep.name} has values ${fmt(ep.min)} to ${fmt(ep.max)}, not class indexes 0 to ${classes.length - 1}: import its labels with these class names.`;
  }
  return null;
}
