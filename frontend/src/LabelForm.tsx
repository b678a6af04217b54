import { useState, type FormEvent } from 'react';
import { CONFIDENCES, SOURCES, parseLabelValue, type LabelConfidence, type LabelSource, type Task } from './label';

export interface LabelInput {
  value: number;
  source: LabelSource;
  confidence: LabelConfidence;
  notes: string;
}

interface Props {
  task: Task;
  busy: boolean;
  onSubmit: (input: LabelInput) => void;
  onSkip: (reason: string) => void;
}

/**
 * LabelForm collects one label: the value (checked before anything is
 * sent), its source, the labeler's confidence and free notes; or a reason
 * to skip the compound. Source and confidence stay as chosen between
 * compounds, since a labeler usually works through one kind of data.
 */
export function LabelForm({ task, busy, onSubmit, onSkip }: Props) {
  const [value, setValue] = useState('');
  const [source, setSource] = useState<LabelSource>('EXPERIMENTAL');
  const [confidence, setConfidence] = useState<LabelConfidence>('HIGH');
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
    setValue('');
    setNotes('');
  }

  function skip() {
    if (reason.trim() === '') {
      setReasonError('Say why you skip it (e.g. "not available").');
      return;
    }
    setReasonError('');
    onSkip(reason.trim());
    setReason('');
  }

  return (
    <form className="label-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="label-value">{task === 'CLASSIFICATION' ? 'Label (0 or 1)' : 'Measured value'}</label>
        <input
          id="label-value"
          inputMode="decimal"
          autoComplete="off"
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={valueError !== ''}
          aria-describedby={valueError ? 'label-value-error' : undefined}
        />
        {valueError && (
          <p id="label-value-error" className="field-error" role="alert">
            {valueError}
          </p>
        )}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="label-source">Source</label>
          <select id="label-source" value={source} onChange={(e) => setSource(e.target.value as LabelSource)}>
            {SOURCES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="label-confidence">Confidence</label>
          <select id="label-confidence" value={confidence} onChange={(e) => setConfidence(e.target.value as LabelConfidence)}>
            {CONFIDENCES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
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
        <div className="field">
          <label htmlFor="skip-reason">Skip reason</label>
          <input
            id="skip-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={reasonError !== ''}
            aria-describedby={reasonError ? 'skip-reason-error' : undefined}
          />
          {reasonError && (
            <p id="skip-reason-error" className="field-error" role="alert">
              {reasonError}
            </p>
          )}
        </div>
        <button type="button" className="secondary" disabled={busy} onClick={skip}>
          Skip compound
        </button>
      </div>
    </form>
  );
}
