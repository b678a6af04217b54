import { useState, type FormEvent, type ReactNode, type Ref } from 'react';
import { Alert } from './Alert';
import { CONFIDENCES, SOURCES, classKeys, parseLabelValue, type LabelConfidence, type LabelSource, type Task } from './label';

export interface LabelInput {
  value: number;
  source: LabelSource;
  confidence: LabelConfidence;
  notes: string;
}

/** The labeler's choices that carry over from one compound to the next. */
export interface LabelPrefs {
  source: LabelSource;
  confidence: LabelConfidence;
}

export const DEFAULT_PREFS: LabelPrefs = { source: 'EXPERIMENTAL', confidence: 'HIGH' };

interface Props {
  task: Task;
  /**
   * A classification model's classes (in index order): the form offers
   * them as buttons, each with its key (classKeys), and a click saves that
   * class; without them a classification label is typed as 0 or 1.
   */
  classes?: string[];
  /** The model's probability of each class, shown on its button. */
  probabilities?: { class: string; probability: number }[] | null;
  /** Source and confidence, kept by the caller across compounds (and set by its hotkeys). */
  prefs: LabelPrefs;
  onPrefsChange: (prefs: LabelPrefs) => void;
  busy: boolean;
  onSubmit: (input: LabelInput) => void;
  /** Why the last submission failed, shown at the form ('' for none). */
  failure?: ReactNode;
  /** Shown under the value field: the server's word on the value (an implausible one, to confirm). */
  valueNote?: ReactNode;
  formRef?: Ref<HTMLFormElement>;
  valueRef?: Ref<HTMLInputElement>;
  /** Buttons shown beside Save & next (Skip, Next, Previous). */
  children?: ReactNode;
}

/**
 * LabelForm collects one label: the value (checked before anything is
 * sent), its source, the labeler's confidence and free notes. Render one per
 * compound (key it by the item): what was typed stays until the next
 * compound (so a refused submission loses nothing), while source and
 * confidence (prefs) stay as chosen across compounds, since a labeler
 * usually works through one kind of data; the form says what will be saved,
 * so a source chosen an hour ago does not stick unseen.
 */
export function LabelForm({ task, classes, probabilities, prefs, onPrefsChange, busy, onSubmit, failure, valueNote, formRef, valueRef, children }: Props) {
  const buttons = task === 'CLASSIFICATION' && classes && classes.length > 0 ? classes : null;
  const keys = buttons ? classKeys(buttons) : [];
  const { source, confidence } = prefs;
  const [value, setValue] = useState('');
  const [notes, setNotes] = useState('');
  const [valueError, setValueError] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (buttons) {
      const named = keys.filter((k) => k);
      setValueError(`Choose a class${named.length ? `: press ${named[0]}–${named[named.length - 1]}` : ''} or click it.`);
      return;
    }
    const p = parseLabelValue(value, task);
    if (!p.ok) {
      setValueError(p.error);
      return;
    }
    setValueError('');
    onSubmit({ value: p.value, source, confidence, notes: notes.trim() });
  }
  // sendClass saves class k (a class button, or its key).
  function sendClass(k: number) {
    if (busy) return;
    setValueError('');
    onSubmit({ value: k, source, confidence, notes: notes.trim() });
  }
  const sourceTitle = SOURCES.find((s) => s.value === source)?.label ?? source;
  const confidenceTitle = CONFIDENCES.find((c) => c.value === confidence)?.label ?? confidence;

  return (
    <form className="label-form" onSubmit={submit} noValidate aria-label="Label" ref={formRef} aria-busy={busy}>
      <div className="field-row">
        {buttons ? (
          <div className="field grow">
            <span className="field-label" id="label-class">
              Class
            </span>
            <div className="class-buttons" role="group" aria-labelledby="label-class" aria-describedby={valueError ? 'label-value-error' : undefined}>
              {buttons.map((c, k) => {
                const p = probabilities?.find((x) => x.class === c)?.probability;
                return (
                  <button
                    type="button"
                    key={c}
                    className="class-button"
                    data-class-index={k}
                    disabled={busy}
                    onClick={() => sendClass(k)}
                    aria-keyshortcuts={keys[k] || undefined}
                    aria-label={`Label as ${c}`}
                    title={p === undefined ? undefined : `model: ${p.toFixed(2)}`}
                  >
                    {keys[k] && <kbd aria-hidden="true">{keys[k]}</kbd>} {c}
                    {p !== undefined && <span className="muted small"> {p.toFixed(2)}</span>}
                  </button>
                );
              })}
            </div>
          </div>
        ) : (
          <div className="field grow">
            <label htmlFor="label-value">{task === 'CLASSIFICATION' ? 'Label (0 or 1)' : 'Measured value'}</label>
            <input
              id="label-value"
              ref={valueRef}
              inputMode="decimal"
              autoComplete="off"
              autoFocus
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-invalid={valueError !== ''}
              aria-describedby={valueError ? 'label-value-error' : undefined}
            />
          </div>
        )}
        <Choice id="label-source" label="Source" hint="e l x" value={source} options={SOURCES} onChange={(v) => onPrefsChange({ ...prefs, source: v })} />
        <Choice
          id="label-confidence"
          label="Confidence"
          hint={buttons ? 'c' : '1 2 3'}
          value={confidence}
          options={CONFIDENCES}
          onChange={(v) => onPrefsChange({ ...prefs, confidence: v })}
        />
      </div>
      {valueError && (
        <p id="label-value-error" className="field-error" role="alert">
          {valueError}
        </p>
      )}
      {valueNote}
      <div className="field">
        <label htmlFor="label-notes">Notes</label>
        <input id="label-notes" autoComplete="off" value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <div className="actions">
        {buttons ? (
          busy && <span className="muted">Saving…</span>
        ) : (
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save & next'}
          </button>
        )}
        {children}
        <p className="saves-as" data-testid="saves-as">
          Saves as <strong>{sourceTitle}</strong>, <strong>{confidenceTitle.toLowerCase()}</strong> confidence
        </p>
      </div>
      <Alert>{failure}</Alert>
    </form>
  );
}

interface ChoiceProps<T extends string> {
  id: string;
  label: string;
  hint: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
}

/** Choice is a labeled select over fixed options, with its hotkeys named. */
function Choice<T extends string>({ id, label, hint, value, options, onChange }: ChoiceProps<T>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} aria-keyshortcuts={hint.replace(/ /g, ' ')}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <kbd className="hint" aria-hidden="true">
        {hint}
      </kbd>
    </div>
  );
}
