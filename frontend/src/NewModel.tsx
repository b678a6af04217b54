import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { CREATE_MODEL, MODEL_CHOICES } from './api';
import { errorMessage, type Task } from './label';
import { checkModelForm, describeEndpoint, LEARNERS, taskFor, type ModelForm } from './newModel';
import { Alert } from './Alert';


const INITIAL: ModelForm = {
  name: '',
  endpoint: '',
  task: 'REGRESSION',
  trainingSetId: '',
  split: 'random',
  validationPercent: '20',
  members: '32',
  learner: 'forest+linear',
  classes: '',
  gainCheck: false,
};

/**
 * NewModel lets an admin start a model: an endpoint with measurements
 * (its task proposed from its values), the compounds to train on, how the
 * fixed validation set is held out, and the ensemble. Training runs in the
 * background; the models list shows it until it is active.
 */
export function NewModel() {
  const [{ data, error }] = useQuery({ query: MODEL_CHOICES });
  const [{ fetching }, create] = useMutation(CREATE_MODEL);
  const [form, setForm] = useState<ModelForm>(INITIAL);
  const [problem, setProblem] = useState<{ field: keyof ModelForm | ''; error: string } | null>(null);

  if (error && !data) return <Alert>{errorMessage(error)}</Alert>;
  if (!data) return <p>Loading…</p>;
  const endpoints = data.endpoints;
  const set = (patch: Partial<ModelForm>) => setForm((f) => ({ ...f, ...patch }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const c = checkModelForm(
      form,
      endpoints,
      data!.models.map((m) => m.name),
    );
    if (!c.ok) return setProblem({ field: c.field, error: c.error });
    setProblem(null);
    const res = await create({ input: c.input });
    if (res.error) return setProblem({ field: '', error: errorMessage(res.error) });
    window.location.hash = '#/';
  }
  const invalid = (field: keyof ModelForm) => problem?.field === field;
  const errorFor = (field: keyof ModelForm) =>
    invalid(field) ? (
      <p id={`model-${field}-error`} className="field-error" role="alert">
        {problem!.error}
      </p>
    ) : null;
  const described = (field: keyof ModelForm) => (invalid(field) ? `model-${field}-error` : undefined);
  /** The form with a task: a learner meant for the other task falls back to the default. */
  const withTask = (task: Task): Partial<ModelForm> => {
    const learnerTask = LEARNERS.find((l) => l.value === form.learner)?.task;
    return { task, ...(learnerTask && learnerTask !== task ? { learner: 'forest+linear' } : {}) };
  };
  /** A typed field of the form, with its label and its error when it has one. */
  const textField = (field: 'name' | 'classes' | 'validationPercent' | 'members', id: string, label: string,
    extra: { inputMode?: 'decimal' | 'numeric'; placeholder?: string } = {}) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        {...extra}
        value={form[field]}
        onChange={(e) => set({ [field]: e.target.value })}
        aria-invalid={invalid(field)}
        aria-describedby={described(field)}
      />
      {errorFor(field)}
    </div>
  );

  return (
    <section>
      <p>
        <a href="#/">← Models</a>
      </p>
      <h2>New model</h2>
      {endpoints.length === 0 && <p>No measurements yet: import compounds with values (Import compounds) first.</p>}
      <form className="new-model" onSubmit={submit} noValidate>
        {textField('name', 'model-name', 'Name')}
        <div className="field-row">
          <div className="field">
            <label htmlFor="model-endpoint">Endpoint</label>
            <select
              id="model-endpoint"
              value={form.endpoint}
              onChange={(e) => {
                const ep = endpoints.find((x) => x.name === e.target.value);
                set({ endpoint: e.target.value, ...withTask(taskFor(ep)) });
              }}
              aria-invalid={invalid('endpoint')}
              aria-describedby={described('endpoint')}
            >
              <option value="">Choose…</option>
              {endpoints.map((ep) => (
                <option key={ep.name} value={ep.name}>
                  {describeEndpoint(ep)}
                </option>
              ))}
            </select>
            {errorFor('endpoint')}
          </div>
          <div className="field">
            <label htmlFor="model-task">Task</label>
            <select
              id="model-task"
              value={form.task}
              onChange={(e) => set(withTask(e.target.value as Task))}
              aria-invalid={invalid('task')}
              aria-describedby={described('task')}
            >
              <option value="REGRESSION">Regression</option>
              <option value="CLASSIFICATION">Classification</option>
            </select>
            {errorFor('task')}
          </div>
        </div>
        {form.task === 'CLASSIFICATION' &&
          textField('classes', 'model-classes', 'Classes, in index order (empty: 0 and 1)', { placeholder: 'low, medium, high' })}
        <div className="field">
          <label htmlFor="model-set">Train on</label>
          <select id="model-set" value={form.trainingSetId} onChange={(e) => set({ trainingSetId: e.target.value })}>
            <option value="">Every measured compound</option>
            {data.compoundSets.map((s) => (
              <option key={s.id} value={s.id}>
                Measured compounds of {s.name} ({s.size})
              </option>
            ))}
          </select>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="model-split">Validation split</label>
            <select id="model-split" value={form.split} onChange={(e) => set({ split: e.target.value as ModelForm['split'] })}>
              <option value="random">Random</option>
              <option value="scaffold">By scaffold (Bemis–Murcko)</option>
            </select>
          </div>
          {textField('validationPercent', 'model-validation', 'Held out (%)', { inputMode: 'decimal' })}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="model-learner">Learner</label>
            <select id="model-learner" value={form.learner} onChange={(e) => set({ learner: e.target.value })} aria-invalid={invalid('learner')} aria-describedby={described('learner')}>
              {LEARNERS.filter((l) => !l.task || l.task === form.task).map((l) => (
                <option key={l.value} value={l.value}>
                  {l.label}
                </option>
              ))}
            </select>
            {errorFor('learner')}
          </div>
          {textField('members', 'model-members', 'Ensemble size', { inputMode: 'numeric' })}
        </div>
        <div className="field">
          <label htmlFor="model-gain-check">
            <input id="model-gain-check" type="checkbox" checked={form.gainCheck} onChange={(e) => set({ gainCheck: e.target.checked })} /> Measure what
            each cycle's labels were worth
          </label>
          <p className="muted">
            Every retrain also trains a model with only the strategy's picks and one with only the random picks, so each cycle's self-check says how much
            each kind of label improved the validation metric. Retraining takes about three times as long.
          </p>
        </div>
        <p className="muted">
          The validation set is held out once and kept for every later version, so each cycle's metrics compare like with like.
        </p>
        <button type="submit" disabled={fetching || endpoints.length === 0}>
          {fetching ? 'Creating…' : 'Create and train'}
        </button>
        {problem?.field === '' && <Alert>{problem.error}</Alert>}
      </form>
    </section>
  );
}
