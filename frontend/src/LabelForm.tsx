import { useState, type FormEvent } from 'react';
import { CONFIDENCES, SOURCES, parseLabelValue, type LabelConfidence, type LabelSource, type Task } from './label';

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
  /** Source and confidence, kept by the caller across compounds. */
  prefs: LabelPrefs;
  onPrefsChange: (prefs: LabelPrefs) => void;
  busy: boolean;
  onSubmit: (input: LabelInput) => void;
  onSkip: (reason: string) => void;
}

/**
 * LabelForm collects one label: the value (checked before anything is
 * sent), its source, the labeler's confidence and free notes; or a reason
 * to skip the compound. Render one per compound (key it by the item): what
 * was typed stays until the next compound (so a refused submission loses
 * nothing), while source and confidence (prefs) stay as chosen across
 * compounds, since a labeler usually works through one kind of data.
 */
export function LabelForm({ task, prefs, onPrefsChange, busy, onSubmit, onSkip }: Props) {
  const { source, confidence } = prefs;
  const [value, setValue] = useState('');
  const [notes, setNotes] = useState('');
  const [valueError, setValueError] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    const p = parseLabelValue(value, task);
    if (!p.ok) {
      setValueError(p.error);
      return;
    }
    setValueError('');
    onSubmit({ value: p.value, source, confidence, notes: notes.trim() });
  }

  function skip() {
    if (reason.trim() === '') {
      setReasonError('Say why you skip it (e.g. "not available").');
      return;
    }
    setReasonError('');
    onSkip(reason.trim());
  }

  return (
    <form className="label-form" onSubmit={submit} noValidate>
      <TextField
        id="label-value"
        label={task === 'CLASSIFICATION' ? 'Label (0 or 1)' : 'Measured value'}
        value={value}
        onChange={setValue}
        error={valueError}
        inputMode="decimal"
        autoFocus
      />
      <div className="field-row">
        <Choice id="label-source" label="Source" value={source} options={SOURCES} onChange={(v) => onPrefsChange({ ...prefs, source: v })} />
        <Choice
          id="label-confidence"
          label="Confidence"
          value={confidence}
          options={CONFIDENCES}
          onChange={(v) => onPrefsChange({ ...prefs, confidence: v })}
        />
      </div>
      <div className="field">
        <label htmlFor="label-notes">Notes</label>
        <textarea id="label-notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Submit label
        </button>
      </div>
      <div className="skip">
        <TextField id="skip-reason" label="Skip reason" value={reason} onChange={setReason} error={reasonError} />
        <button type="button" className="secondary" disabled={busy} onClick={skip}>
          Skip compound
        </button>
      </div>
    </form>
  );
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** A problem to show under the field ('' for none); marks it invalid. */
  error: string;
  inputMode?: 'decimal' | 'text';
  autoFocus?: boolean;
}

/** TextField is a labeled text input with its error message, linked for screen readers. */
function TextField({ id, label, value, onChange, error, inputMode, autoFocus }: TextFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode={inputMode}
        autoComplete="off"
        autoFocus={autoFocus}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error !== ''}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface ChoiceProps<T extends string> {
  id: string;
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
}

/** Choice is a labeled select over fixed options. */
function Choice<T extends string>({ id, label, value, options, onChange }: ChoiceProps<T>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
