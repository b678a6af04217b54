import { useEffect } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Alert } from './Alert';
import { CYCLES, CYCLE_UPDATED, PROMOTE, RETRAIN, RETRAIN_PROGRESS, ROLLBACK, VERSIONS, type Cycle, type Labeler, type ModelData, type User } from './api';
import { useCapabilities } from './capabilities';
import { headlineName, metricTitle, type CurvePoint } from './curve';
import { diagnosisLine, metricChanges, retrainable, startedLine } from './cycles';
import { day, errorMessage, formatNumber, headlineMetric } from './label';
import { LearningCurve } from './LearningCurve';
import { useRefetchOn } from './refresh';
import { useAction } from './use-action';

interface Props {
  modelId: string;
  model: ModelData['model'];
  curve: CurvePoint[];
  labelers: Labeler[];
  user: User;
  /** Changes with each queue event and websocket reconnect: labels change the cycles' counts. */
  refreshKey?: string;
  /** Called when a cycle changes, so the page can refresh the model and queue. */
  onChange: () => void;
}

/**
 * CycleHistory is a model's timeline: each cycle with its dates, strategy,
 * labels and skips, and every validation metric before and after its
 * retrain (the same held-out set every time); the learning curve; who
 * labeled how much; and, for admins, a retrain of any cycle whose labels
 * are not trained yet, with its progress live.
 */
export function CycleHistory({ modelId, model, curve, labelers, user, refreshKey, onChange }: Props) {
  const [{ data, error }, refetch] = useQuery({ query: CYCLES, variables: { id: modelId } });
  const [updated] = useSubscription({ query: CYCLE_UPDATED, variables: { modelId } });
  const [, retrain] = useMutation(RETRAIN);
  const action = useAction();

  useRefetchOn(refreshKey, refetch);
  const change = updated.data ? `${updated.data.cycleUpdated.id}:${updated.data.cycleUpdated.status}` : '';
  useRefetchOn(change, refetch);
  useEffect(() => {
    if (change) onChange();
  }, [change, onChange]);

  if (error && !data) return <Alert>{errorMessage(error)}</Alert>;
  const cycles = data ? [...data.model.cycles].sort((a, b) => b.cycleNumber - a.cycleNumber) : [];
  const canRetrain = new Set(user.role === 'ADMIN' ? retrainable(cycles).map((c) => c.id) : []);
  const metric = headlineName(model.task);

  async function doRetrain(c: Cycle) {
    await action.run(() => retrain({ cycleId: c.id }));
    refetch({ requestPolicy: 'network-only' });
    onChange();
  }

  return (
    <div className="cycle-history">
      <section aria-label="Cycles">
        <h3>Cycles</h3>
        <Alert>{action.error}</Alert>
        <ol className="timeline">
          {cycles.map((c) => (
            <li key={c.id} data-testid={`cycle-${c.cycleNumber}`} className={`cycle ${c.status.toLowerCase()}`}>
              <div className="cycle-head">
                <strong>Cycle {c.cycleNumber}</strong> <span className={`status ${c.status.toLowerCase()}`}>{c.status.toLowerCase()}</span>
                <span className="muted">
                  {' '}
                  · {day(c.startedAt)}
                  {c.completedAt && ` → ${day(c.completedAt)}`} · {c.selectionStrategy} · batch {c.batchSize}
                </span>
                <span className="muted" data-testid="cycle-started">
                  {' '}
                  · {startedLine(c)}
                </span>
                <span data-testid="cycle-counts">
                  {' '}
                  · {c.itemsLabeled} / {c.itemsSelected} labeled{c.itemsSkipped > 0 && `, ${c.itemsSkipped} skipped`}
                </span>
                <span className="headline" data-testid="cycle-headline">
                  {metricTitle(metric)} {formatNumber(headlineMetric(c.metricsBefore, metric))} → {formatNumber(headlineMetric(c.metricsAfter, metric))}
                </span>
              </div>
              {c.diagnosis && (
                <p
                  className="diagnosis"
                  data-testid="cycle-diagnosis"
                  title="From this cycle's own labels: the batch's random picks are the control group for the strategy's picks; rho is how well the model's uncertainty ranks its errors; coverage is how often the 90 % intervals held."
                >
                  <span className="muted">Self-check: </span>
                  {diagnosisLine(c.diagnosis)}
                </p>
              )}
              {c.error && <p className="error">{c.error}</p>}
              {c.status === 'TRAINING' && <Progress cycleId={c.id} />}
              {canRetrain.has(c.id) && (
                <button disabled={action.busy} onClick={() => doRetrain(c)}>
                  Retrain on cycle {c.cycleNumber}'s labels
                </button>
              )}
              {(c.metricsBefore.length > 0 || c.metricsAfter.length > 0) && <Metrics cycle={c} />}
            </li>
          ))}
        </ol>
      </section>
      <Versions modelId={modelId} task={model.task} admin={user.role === 'ADMIN'} refreshKey={change} onChange={onChange} />
      <LearningCurve points={curve} task={model.task} />
      {labelers.length > 0 && (
        <p className="labelers muted" data-testid="labelers">
          Labeled by{' '}
          {[...labelers]
            .sort((a, b) => b.labeled - a.labeled)
            .map((l) => `${l.user.name || l.user.email} ${l.labeled}${l.skipped ? ` (+${l.skipped} skipped)` : ''}`)
            .join(' · ')}
        </p>
      )}
      <p>
        <a href={`/export/measurements.csv?endpoint=${encodeURIComponent(model.endpoint)}`} download>
          Download every {model.endpoint} measurement (CSV)
        </a>
      </p>
    </div>
  );
}

/** Metrics is a cycle's every validation metric before and after its retrain. */
function Metrics({ cycle }: { cycle: Cycle }) {
  const rows = metricChanges(cycle.metricsBefore, cycle.metricsAfter);
  return (
    <table className="metrics" aria-label={`Cycle ${cycle.cycleNumber} metrics`}>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{metricTitle(r.name)}</th>
            <td>{formatNumber(r.before)}</td>
            <td>{formatNumber(r.after)}</td>
            <td className={r.verdict}>{r.verdict}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Progress shows a running retrain's stage, live (replayed from its start). */
function Progress({ cycleId }: { cycleId: string }) {
  const [{ data }] = useSubscription({
    query: RETRAIN_PROGRESS,
    variables: { cycleId },
  });
  const p = data?.retrainProgress;
  return (
    <div className="progress" role="status" aria-label="Retrain progress">
      <progress max={1} value={p?.fraction ?? 0} aria-label="Retrain progress" />
      <span>{p ? `${p.stage}: ${p.message}` : 'Retraining…'}</span>
    </div>
  );
}

/**
 * Versions lists a lineage's versions with their headline validation
 * metric and status. Admins promote a candidate or roll back to an earlier
 * version when the server offers it (promoteVersion, rollbackModel: the
 * label-lifecycle work); until then the list is read-only.
 */
function Versions({ modelId, task, admin, refreshKey, onChange }: { modelId: string; task: ModelData['model']['task']; admin: boolean; refreshKey: string; onChange: () => void }) {
  const caps = useCapabilities();
  const [{ data }, refetch] = useQuery({ query: VERSIONS, variables: { id: modelId } });
  useRefetchOn(refreshKey, refetch);
  const [, promote] = useMutation(PROMOTE);
  const [, rollback] = useMutation(ROLLBACK);
  const action = useAction();
  const metric = headlineName(task);
  const versions = data ? [...data.model.versions].reverse() : [];
  if (versions.length === 0) return null;
  const active = versions.find((v) => v.status === 'ACTIVE');
  async function act(op: () => ReturnType<typeof promote>) {
    const res = await action.run(op);
    if (res && !res.error) {
      refetch({ requestPolicy: 'network-only' });
      onChange();
    }
  }
  return (
    <section className="versions" aria-label="Versions">
      <h3>Versions</h3>
      <Alert>{action.error}</Alert>
      <table className="metrics">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Trained on</th>
            <th scope="col">{metricTitle(metric)}</th>
            <th scope="col">Activated</th>
            {admin && (caps.promoteVersion || caps.rollbackModel) && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-testid={`version-${v.version}`}>
              <td>{v.version}</td>
              <td>
                {v.status.toLowerCase()}
                {v.error && <span className="error"> ({v.error})</span>}
              </td>
              <td>{v.trainingSize} compounds</td>
              <td>{formatNumber(headlineMetric(v.metrics, metric))}</td>
              <td>{day(v.activatedAt)}</td>
              {admin && (caps.promoteVersion || caps.rollbackModel) && (
                <td>
                  {caps.promoteVersion && String(v.status) === 'CANDIDATE' && (
                    <button className="secondary" disabled={action.busy} onClick={() => act(() => promote({ versionId: v.id, reason: 'promoted from Cycle History' }))}>
                      Promote version {v.version}
                    </button>
                  )}
                  {caps.rollbackModel && v.status === 'SUPERSEDED' && active && v.version < active.version && (
                    <button className="secondary" disabled={action.busy} onClick={() => act(() => rollback({ modelId, toVersion: v.version }))}>
                      Roll back to version {v.version}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
