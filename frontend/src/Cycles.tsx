import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Alert } from './Alert';
import { DialogButtons } from './DialogButtons';
import { CYCLES, CYCLE_UPDATED, PROMOTE, RETRAIN, RETRAIN_PROGRESS, ROLLBACK, VERSIONS, type Cycle, type Labeler, type ModelData, type User, type Version } from './api';
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
              {c.promotionNote && <p className="muted small" data-testid="promotion-note">{c.promotionNote}</p>}
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

/** rollbackTitle names making a superseded version active: "Roll back to version 1" when it is older than the active one, "Reactivate version 2" when newer. */
function rollbackTitle(v: Version, active: Version | null): string {
  return active && v.version > active.version ? `Reactivate version ${v.version}` : `Roll back to version ${v.version}`;
}

/** A version change an admin is about to make: promote a candidate, or make a superseded version active again. */
type VersionChange = { kind: 'promote' | 'rollback'; version: Version };

/**
 * Versions lists a lineage's versions with their headline validation
 * metric and status. Admins promote a CANDIDATE (a retrain kept back for
 * being worse than the active version on the validation set) or roll back
 * to an earlier version (or, after a rollback, reactivate a later one),
 * each after confirming with a reason (required to promote) that goes into
 * the audit.
 */
export function Versions({ modelId, task, admin, refreshKey, onChange }: { modelId: string; task: ModelData['model']['task']; admin: boolean; refreshKey: string; onChange: () => void }) {
  const [{ data }, refetch] = useQuery({ query: VERSIONS, variables: { id: modelId } });
  useRefetchOn(refreshKey, refetch);
  const [change, setChange] = useState<VersionChange | null>(null);
  const [done, setDone] = useState('');
  const metric = headlineName(task);
  const versions = data ? [...data.model.versions].reverse() : [];
  if (versions.length === 0) return null;
  const active = versions.find((v) => v.status === 'ACTIVE') ?? null;
  const canPromote = (v: Version) => v.status === 'CANDIDATE';
  // Any superseded version can be made active again: an earlier one (a
  // rollback), or a later one after a rollback (rollbackModel takes both).
  const canRollback = (v: Version) => v.status === 'SUPERSEDED' && !!active && v.version !== active.version;
  const actions = admin && versions.some((v) => canPromote(v) || canRollback(v));
  return (
    <section className="versions" aria-label="Versions">
      <h3>Versions</h3>
      <Alert kind="notice">{done}</Alert>
      <table className="metrics">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Trained on</th>
            <th scope="col">{metricTitle(metric)}</th>
            <th scope="col">Activated</th>
            {actions && <th scope="col">Action</th>}
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
              {actions && (
                <td>
                  {canPromote(v) && (
                    <button className="secondary" onClick={() => setChange({ kind: 'promote', version: v })}>
                      Promote version {v.version}…
                    </button>
                  )}
                  {canRollback(v) && (
                    <button className="secondary" onClick={() => setChange({ kind: 'rollback', version: v })}>
                      {rollbackTitle(v, active)}…
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {change && (
        <ChangeVersion
          modelId={modelId}
          change={change}
          active={active}
          metric={metric}
          onClose={() => setChange(null)}
          onDone={(text) => {
            setChange(null);
            setDone(text);
            refetch({ requestPolicy: 'network-only' });
            onChange();
          }}
        />
      )}
    </section>
  );
}

/**
 * ChangeVersion confirms a promotion or rollback: what it does (the
 * version becomes active, the active one is superseded, pending items are
 * re-scored by it), the headline metric of both, and a reason; the
 * server's refusal shows here.
 */
function ChangeVersion({ modelId, change, active, metric, onClose, onDone }: { modelId: string; change: VersionChange; active: Version | null; metric: string; onClose: () => void; onDone: (text: string) => void }) {
  const [, promote] = useMutation(PROMOTE);
  const [, rollback] = useMutation(ROLLBACK);
  const action = useAction();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  const v = change.version;
  const promoting = change.kind === 'promote';
  const title = promoting ? `Promote version ${v.version}` : rollbackTitle(v, active);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const why = reason.trim();
    if (promoting && why === '') return setProblem('Say why this candidate should replace the active version.');
    setProblem('');
    const res = promoting
      ? await action.run(() => promote({ versionId: v.id, reason: why }))
      : await action.run(() => rollback({ modelId, toVersion: v.version, reason: why || null }));
    if (res && !res.error) onDone(`Version ${v.version} is active.`);
  }
  const score = (x: Version | null) => `${metricTitle(metric)} ${formatNumber(x ? headlineMetric(x.metrics, metric) : null)}`;
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label={title}>
      <form onSubmit={submit} noValidate>
        <h3>{title}?</h3>
        <p>
          Version {v.version} ({score(v)} on the validation set) becomes active
          {active ? `; version ${active.version} (${score(active)}) is superseded` : ''}. Pending compounds are re-scored by version {v.version}.
        </p>
        <div className="field">
          <label htmlFor="version-reason">Reason{promoting ? '' : ' (optional)'}</label>
          <input id="version-reason" autoFocus autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={problem !== ''} />
        </div>
        <Alert>{problem || action.error}</Alert>
        <DialogButtons label={title} busy={action.busy} busyLabel="Working…" onCancel={onClose} />
      </form>
    </div>
  );
}
