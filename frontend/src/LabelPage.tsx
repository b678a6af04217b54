import { useCallback, useEffect, useState } from 'react';
import { useMutation, useQuery, useSubscription, type CombinedError } from 'urql';
import { CLAIM, HELD, MODEL, QUEUE_EVENTS, SKIP, SUBMIT, type Counts, type Labeler, type ModelSummary, type QueueItem, type User } from './api';
import type { CurvePoint } from './curve';
import { Cycles } from './Cycles';
import { LearningCurve } from './LearningCurve';
import { DEFAULT_PREFS, LabelForm, type LabelInput, type LabelPrefs } from './LabelForm';
import { Neighbours } from './Neighbours';
import { Queue } from './Queue';
import { Structure } from './Structure';
import { errorMessage, formatNumber } from './label';
import { useLive } from './live';
import { useRefetchOn } from './refresh';

interface ModelData {
  model: ModelSummary;
  stats: { cycles: number; counts: Counts; learningCurve: CurvePoint[]; labelers: Labeler[] };
}

/**
 * LabelPage is a labeler's loop for one model: claim the next compound in
 * the queue, label or skip it, and go on to the next; the queue counts
 * update live from the queueEvents subscription, whoever labels.
 */
export function LabelPage({ modelId, user }: { modelId: string; user: User }) {
  const [{ data, error, fetching }, refetch] = useQuery<ModelData>({ query: MODEL, variables: { id: modelId } });
  const [events] = useSubscription<{ queueEvents: { seq: number } }>({ query: QUEUE_EVENTS, variables: { modelId } });
  const [, claim] = useMutation<{ claimNextItem: { item: QueueItem | null } }>(CLAIM);
  const [, submitLabel] = useMutation(SUBMIT);
  const [, skipItem] = useMutation(SKIP);
  const [item, setItem] = useState<QueueItem | null>(null);
  // A compound this user already holds (claimed before a reload) comes back
  // first, so its lease is not left to expire.
  const [held] = useQuery<{ labelQueue: { edges: { node: QueueItem }[] } }>({
    query: HELD,
    variables: { id: modelId, me: user.id },
  });
  const heldItem = held.data?.labelQueue.edges[0]?.node;
  useEffect(() => {
    if (heldItem) setItem((cur) => cur ?? heldItem);
  }, [heldItem]);
  const [prefs, setPrefs] = useState<LabelPrefs>(DEFAULT_PREFS);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState('');

  // Refresh on every queue event, and after the websocket comes back (the
  // events sent while it was down are not replayed).
  const live = useLive();
  const seq = events.data?.queueEvents.seq;
  const liveKey = seq === undefined && live.reconnects === 0 ? undefined : `${seq ?? 0}/${live.reconnects}`;
  useRefetchOn(liveKey, refetch);
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);

  const claimNext = useCallback(async () => {
    setBusy(true);
    setFailure('');
    const res = await claim({ modelId });
    setBusy(false);
    if (res.error) {
      setFailure(errorMessage(res.error));
      return;
    }
    const next = res.data?.claimNextItem.item ?? null;
    setItem(next);
    if (!next) setNotice('Nothing left to label in this queue.');
  }, [claim, modelId]);

  // failed reports a label or skip the server refused. A conflict means the
  // item is no longer this labeler's (the lease expired and someone else
  // took it, or it was labeled meanwhile): drop it so the next can be claimed.
  function failed(err: CombinedError) {
    const conflict = err.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');
    setFailure(errorMessage(err) + (conflict ? ' Claim the next compound.' : ''));
    if (conflict) setItem(null);
  }

  async function onSubmit(input: LabelInput) {
    if (!item) return;
    setBusy(true);
    setFailure('');
    const res = await submitLabel({ itemId: item.id, ...input });
    setBusy(false);
    if (res.error) {
      failed(res.error);
      return;
    }
    setNotice(`Labeled ${item.compound.name || item.compound.inputSmiles}: ${input.value}.`);
    await claimNext();
  }

  async function onSkip(reason: string) {
    if (!item) return;
    setBusy(true);
    setFailure('');
    const res = await skipItem({ itemId: item.id, reason });
    setBusy(false);
    if (res.error) {
      failed(res.error);
      return;
    }
    setNotice(`Skipped ${item.compound.name || item.compound.inputSmiles}.`);
    await claimNext();
  }

  if (error && !data) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>{fetching ? 'Loading…' : ''}</p>;
  const { model, stats } = data;
  const canLabel = user.role !== 'VIEWER';
  return (
    <section>
      <p>
        <a href="#/">← Models</a>
      </p>
      <h2>{model.name}</h2>
      <p className="muted">
        {model.endpoint} · {model.task.toLowerCase()} · version {model.activeVersion?.version ?? '–'} · {stats.cycles} {stats.cycles === 1 ? 'cycle' : 'cycles'}
      </p>
      <dl className="counts" aria-label="Queue">
        <div>
          <dt>Pending</dt>
          <dd data-testid="count-pending">{stats.counts.pending}</dd>
        </div>
        <div>
          <dt>In progress</dt>
          <dd data-testid="count-in-progress">{stats.counts.inProgress}</dd>
        </div>
        <div>
          <dt>Labeled</dt>
          <dd data-testid="count-labeled">{stats.counts.labeled}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd data-testid="count-skipped">{stats.counts.skipped}</dd>
        </div>
      </dl>
      {stats.labelers.length > 0 && (
        <p className="labelers muted" data-testid="labelers">
          Labeled by{' '}
          {[...stats.labelers]
            .sort((a, b) => b.labeled - a.labeled)
            .map((l) => `${l.user.name || l.user.email} ${l.labeled}${l.skipped ? ` (+${l.skipped} skipped)` : ''}`)
            .join(' · ')}
        </p>
      )}
      <p className="live muted" data-testid="live">
        {live.reconnecting
          ? 'Live updates paused: reconnecting…'
          : events.error
            ? 'Live updates unavailable: ' + errorMessage(events.error)
            : 'Counts update live.'}
      </p>
      {notice && <p className="notice" role="status">{notice}</p>}
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {!canLabel && <p>Viewers can watch the queue; labeling needs the scientist role.</p>}
      {canLabel && !item && (
        <button onClick={claimNext} disabled={busy}>
          Claim next compound
        </button>
      )}
      {canLabel && item && (
        <article className="item" aria-label="Compound to label">
          <h3>{item.compound.name || 'Unnamed compound'}</h3>
          <Structure smiles={item.compound.inputSmiles} label={item.compound.name || item.compound.inputSmiles} />
          <p className="smiles" data-testid="smiles">
            {item.compound.inputSmiles}
          </p>
          <dl className="prediction">
            <div>
              <dt>Prediction</dt>
              <dd>
                {formatNumber(item.prediction)} ± {formatNumber(item.uncertainty)}
              </dd>
            </div>
            <div>
              <dt>Distance to training set</dt>
              <dd>{formatNumber(item.applicabilityDistance)}</dd>
            </div>
            <div>
              <dt>Selected by</dt>
              <dd>{item.selectionStrategy}</dd>
            </div>
          </dl>
          <LabelForm
            key={item.id}
            task={model.task}
            prefs={prefs}
            onPrefsChange={setPrefs}
            busy={busy}
            onSubmit={onSubmit}
            onSkip={onSkip}
          />
          <Neighbours compoundId={item.compound.id} endpoint={model.endpoint} />
        </article>
      )}
      <LearningCurve points={stats.learningCurve} task={model.task} />
      <p>
        <a href={`/export/measurements.csv?endpoint=${encodeURIComponent(model.endpoint)}`} download>
          Download every {model.endpoint} measurement (CSV)
        </a>
      </p>
      <Cycles modelId={modelId} task={model.task} user={user} refreshKey={liveKey} onChange={refresh} />
      <Queue modelId={modelId} refreshKey={liveKey} me={user} />
    </section>
  );
}
