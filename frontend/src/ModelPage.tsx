import { useCallback, useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Alert } from './Alert';
import { MODEL, QUEUE_EVENTS, type User } from './api';
import { CycleHistory } from './Cycles';
import { errorMessage } from './label';
import { LabelTab } from './LabelTab';
import { PoolDownloads } from './PoolDownloads';
import { useLive } from './live';
import { Queue } from './Queue';
import { useRefetchOn } from './refresh';
import { TABS, modelHref, pageTitle, type Tab } from './route';
import { SampleSelection } from './SampleSelection';


interface Props {
  modelId: string;
  tab: Tab;
  itemId?: string;
  user: User;
}

/**
 * ModelPage is one model's workspace: a header with the queue's live
 * counts and the pool's download with predictions, and four tabs, each a route of its own (#/models/ID/TAB), so a tab
 * can be linked to and the back button goes back a tab.
 */
export function ModelPage({ modelId, tab, itemId, user }: Props) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: MODEL, variables: { id: modelId } });
  const [events] = useSubscription({ query: QUEUE_EVENTS, variables: { modelId } });
  // Refresh on every queue event, and after the websocket comes back (the
  // events sent while it was down are not replayed).
  const live = useLive();
  const seq = events.data?.queueEvents.seq;
  const liveKey = seq === undefined && live.reconnects === 0 ? undefined : `${seq ?? 0}/${live.reconnects}`;
  useRefetchOn(liveKey, refetch);
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const name = data?.model.name;
  useEffect(() => {
    document.title = pageTitle({ page: 'model', modelId, tab }, name);
  }, [modelId, tab, name]);

  if (error && !data) return <Alert>{errorMessage(error)}</Alert>;
  if (!data) return <p>{fetching ? 'Loading…' : ''}</p>;
  const { model, stats } = data;
  const ep = data.endpoints.find((e) => e.name === model.endpoint);
  const range = ep ? { min: ep.min, max: ep.max } : null;
  return (
    <section className="model-page">
      <div className="model-head">
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
        <p className="live muted small" data-testid="live">
          {live.reconnecting ? 'Live updates paused: reconnecting…' : events.error ? 'Live updates unavailable: ' + errorMessage(events.error) : 'Counts update live.'}
        </p>
        {model.activeVersion && <PoolDownloads models={[{ id: model.id, name: model.name }]} />}
      </div>
      <nav className="tabs" aria-label="Model workspace">
        {TABS.map((t) => (
          <a key={t.id} href={modelHref(modelId, t.id)} aria-current={t.id === tab ? 'page' : undefined}>
            {t.title}
          </a>
        ))}
      </nav>
      {tab === 'label' && (
        <LabelTab
          modelId={modelId}
          endpoint={model.endpoint}
          task={model.task}
          classes={model.classes}
          range={range}
          user={user}
          counts={stats.counts}
          itemId={itemId}
          refreshKey={liveKey}
        />
      )}
      {tab === 'queue' && <Queue modelId={modelId} refreshKey={liveKey} me={user} />}
      {tab === 'cycles' && (
        <CycleHistory
          modelId={modelId}
          model={model}
          curve={stats.learningCurve}
          labelers={stats.labelers}
          user={user}
          refreshKey={liveKey}
          onChange={refresh}
        />
      )}
      {tab === 'select' && <SampleSelection modelId={modelId} task={model.task} user={user} refreshKey={liveKey} onChange={refresh} />}
    </section>
  );
}
