import { useEffect, useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery, useSubscription, type OperationResult } from 'urql';
import { CYCLES, CYCLE_UPDATED, PREVIEW, RETRAIN, RETRAIN_PROGRESS, SELECT, type Candidate, type Cycle, type User } from './api';
import { headlineName, metricTitle } from './curve';
import { errorMessage, formatNumber, headlineMetric, type Task } from './label';
import { useRefetchOn } from './refresh';

interface Props {
  modelId: string;
  task: Task;
  user: User;
  /** Changes with each queue event and websocket reconnect: labels change the cycles' counts. */
  refreshKey?: string;
  /** Called when a cycle changes, so the page can refresh the model and queue. */
  onChange: () => void;
}

/**
 * Cycles lists a model's cycles with the validation metric before and after
 * each retrain (the same held-out set every time), and drives the loop:
 * scientists start a cycle (select a batch into the queue), admins retrain
 * on the labels so far and watch its progress live.
 */
export function Cycles({ modelId, task, user, refreshKey, onChange }: Props) {
  const [{ data, error }, refetch] = useQuery<{ model: { cycles: Cycle[] } }>({ query: CYCLES, variables: { id: modelId } });
  const [updated] = useSubscription<{ cycleUpdated: { id: string; status: string } }>({ query: CYCLE_UPDATED, variables: { modelId } });
  const [, select] = useMutation(SELECT);
  const [, retrain] = useMutation(RETRAIN);
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);

  useRefetchOn(refreshKey, refetch);
  const change = updated.data ? `${updated.data.cycleUpdated.id}:${updated.data.cycleUpdated.status}` : '';
  useRefetchOn(change, refetch);
  useEffect(() => {
    if (change) onChange();
  }, [change, onChange]);

  if (error && !data) return <p className="error" role="alert">{errorMessage(error)}</p>;
  const cycles = data ? [...data.model.cycles].reverse() : [];
  const latest = cycles[0];
  const working = latest && (latest.status === 'SELECTING' || latest.status === 'TRAINING');
  const metric = headlineName(task);

  async function run(op: () => Promise<OperationResult>) {
    setBusy(true);
    setFailure('');
    const res = await op();
    setBusy(false);
    if (res.error) setFailure(errorMessage(res.error));
    refetch({ requestPolicy: 'network-only' });
    onChange();
  }

  return (
    <section className="cycles" aria-label="Cycles">
      <h3>Cycles</h3>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {latest?.status === 'TRAINING' && <Progress cycleId={latest.id} />}
      <div className="cycle-actions">
        {user.role !== 'VIEWER' && (
          <StartCycle modelId={modelId} busy={busy || !!working} onStart={(strategy, batchSize, seed) => run(() => select({ modelId, strategy, batchSize, seed }))} />
        )}
        {user.role === 'ADMIN' && latest?.status === 'LABELING' && (
          <button disabled={busy || latest.itemsLabeled === 0} onClick={() => run(() => retrain({ cycleId: latest.id }))}>
            Retrain on cycle {latest.cycleNumber}'s labels
          </button>
        )}
      </div>
      <table>
        <thead>
          <tr>
            <th>Cycle</th>
            <th>Status</th>
            <th>Strategy</th>
            <th>Labeled</th>
            <th>{metricTitle(metric)} before → after</th>
          </tr>
        </thead>
        <tbody>
          {cycles.map((c) => (
            <tr key={c.id} data-testid={`cycle-${c.cycleNumber}`}>
              <td>{c.cycleNumber}</td>
              <td>
                {c.status.toLowerCase()}
                {c.error && <span className="error"> ({c.error})</span>}
              </td>
              <td>{c.selectionStrategy}</td>
              <td>
                {c.itemsLabeled} / {c.itemsSelected}
                {c.itemsSkipped > 0 && ` (${c.itemsSkipped} skipped)`}
              </td>
              <td>
                {formatNumber(headlineMetric(c.metricsBefore, metric))} → {formatNumber(headlineMetric(c.metricsAfter, metric))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * StartCycle asks for a strategy and batch size, previews the compounds
 * that selection would queue (same seed, so the preview is what starting
 * queues), and starts the cycle.
 */
function StartCycle({ modelId, busy, onStart }: { modelId: string; busy: boolean; onStart: (strategy: string, batchSize: number, seed: number) => void }) {
  const client = useClient();
  const [strategy, setStrategy] = useState('default');
  const [batch, setBatch] = useState('25');
  const [problem, setProblem] = useState('');
  // One seed per cycle to start: a preview and the start that follows it
  // use the same one.
  const [seed, setSeed] = useState(newSeed);
  const [preview, setPreview] = useState<{ key: string; candidates: Candidate[] } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  // A preview the server refused (a strategy it does not know, say): not the batch field's fault.
  const [previewError, setPreviewError] = useState('');

  function checked(): { strategy: string; batchSize: number } | null {
    const n = Number(batch);
    if (!Number.isInteger(n) || n < 1 || n > 10000) {
      setProblem('Batch size is a whole number from 1 to 10000.');
      return null;
    }
    setProblem('');
    return { strategy: strategy.trim() || 'default', batchSize: n };
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const c = checked();
    if (!c) return;
    onStart(c.strategy, c.batchSize, seed);
    setSeed(newSeed());
    setPreview(null);
  }
  async function showPreview() {
    const c = checked();
    if (!c) return;
    setPreviewing(true);
    const res = await client.query<{ previewSelection: Candidate[] }>(PREVIEW, { modelId, ...c, seed }).toPromise();
    setPreviewing(false);
    if (res.error) {
      setPreviewError(errorMessage(res.error));
      setPreview(null);
      return;
    }
    setPreviewError('');
    setPreview({ key: `${c.strategy} × ${c.batchSize}`, candidates: res.data?.previewSelection ?? [] });
  }
  return (
    <div className="start-cycle-box">
      <form className="start-cycle" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="cycle-strategy">Strategy</label>
          <input id="cycle-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value)} list="strategies" />
          <datalist id="strategies">
            {['default', 'uncertainty', 'uncertainty+diverse', 'hybrid', 'random', 'margin', 'entropy'].map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="cycle-batch">Batch size</label>
          <input
            id="cycle-batch"
            inputMode="numeric"
            value={batch}
            onChange={(e) => setBatch(e.target.value)}
            aria-invalid={problem !== ''}
            aria-describedby={problem ? 'cycle-batch-error' : undefined}
          />
        </div>
        <button type="button" className="secondary" disabled={busy || previewing} onClick={showPreview}>
          {previewing ? 'Previewing…' : 'Preview'}
        </button>
        <button type="submit" disabled={busy}>
          Start a cycle
        </button>
        {problem && (
          <p id="cycle-batch-error" className="field-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      {previewError && (
        <p className="error" role="alert">
          {previewError}
        </p>
      )}
      {preview && <Preview title={preview.key} candidates={preview.candidates} />}
    </div>
  );
}

function newSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}

/** Preview lists the compounds a selection would queue, in its order. */
function Preview({ title, candidates }: { title: string; candidates: Candidate[] }) {
  if (candidates.length === 0) return <p className="muted">Nothing to select: every compound in the pool is labeled or queued.</p>;
  return (
    <details className="preview" open>
      <summary>
        Preview of {title}: {candidates.length} {candidates.length === 1 ? 'compound' : 'compounds'}
      </summary>
      <table aria-label="Selection preview">
        <thead>
          <tr>
            <th>Rank</th>
            <th>Compound</th>
            <th>Prediction</th>
            <th>Distance to training set</th>
            <th>Priority</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={c.compound.id} data-testid="preview-row">
              <td>{c.rank}</td>
              <td>
                {c.compound.name && <div>{c.compound.name}</div>}
                <div className="smiles small">{c.compound.inputSmiles}</div>
              </td>
              <td>
                {formatNumber(c.prediction)} ± {formatNumber(c.uncertainty)}
              </td>
              <td>{formatNumber(c.applicabilityDistance)}</td>
              <td>{formatNumber(c.priority)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Progress shows a running retrain's stage, live (replayed from its start). */
function Progress({ cycleId }: { cycleId: string }) {
  const [{ data }] = useSubscription<{ retrainProgress: { stage: string; fraction: number; message: string } }>({
    query: RETRAIN_PROGRESS,
    variables: { cycleId },
  });
  const p = data?.retrainProgress;
  return (
    <div className="progress" role="status" aria-label="Retrain progress">
      <progress max={1} value={p?.fraction ?? 0} />
      <span>{p ? `${p.stage}: ${p.message}` : 'Retraining…'}</span>
    </div>
  );
}
