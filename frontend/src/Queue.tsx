import { useState, type FormEvent, type MouseEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ARCHIVED_COUNT, ASSIGN_ITEMS, QUEUE, SKIP_ITEMS, USERS, type QueueRow, type User } from './api';
import type { VariablesOf } from './graphql';
import { graphql } from './graphql';
import { errorMessage, formatNumber } from './label';
import { archivedNote, changeLine, corrections } from './lifecycle';
import { useRefetchOn } from './refresh';
import { modelHref } from './route';
import { Structure } from './Structure';

const STATUSES = [
  { value: '', label: 'Every status' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'IN_PROGRESS', label: 'In progress' },
  { value: 'LABELED', label: 'Labeled' },
  { value: 'SKIPPED', label: 'Skipped' },
];

/** A queue status, as the filter takes it. */
type QueueStatus = NonNullable<VariablesOf<typeof QUEUE>['status']>[number];

const MODEL_NAMES = graphql(`query QueueModels { models { id name } }`);

/**
 * Queue is the Label Queue tab: a model's items by priority, 25 at a time,
 * with their structure, prediction, uncertainty and priority, filtered by
 * status, assignee ("mine" included) and model. A row opens its item for
 * labeling (claimed when free; otherwise the tab says who holds it).
 * Items whose labels a version has trained on are archived and left out,
 * as the API does, until "Show archived" asks for them too (each marked
 * with its version); the table says how many it leaves out.
 * It refreshes when refreshKey changes (each queue event and reconnect).
 */
export function Queue({ modelId, refreshKey, me }: { modelId: string; refreshKey?: string; me: User }) {
  const canSkip = me.role !== 'VIEWER';
  const [status, setStatus] = useState('');
  const [assignee, setAssignee] = useState('');
  const [archived, setArchived] = useState(false);
  const [users] = useQuery({ query: USERS, pause: me.role !== 'ADMIN' });
  const [models] = useQuery({ query: MODEL_NAMES });
  const others = (users.data?.users ?? []).filter((u) => u.id !== me.id && u.role !== 'VIEWER');
  return (
    <section className="queue" aria-label="Queue items">
      <div className="filters">
        <div className="field inline">
          <label htmlFor="queue-status">Show</label>
          <select id="queue-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="queue-assignee">Assigned to</label>
          <select id="queue-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">Anyone</option>
            <option value={me.id}>Me</option>
            {others.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name || u.email}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="queue-model">Model</label>
          <select id="queue-model" value={modelId} onChange={(e) => (window.location.hash = modelHref(e.target.value, 'queue'))}>
            {(models.data?.models ?? [{ id: modelId, name: `Model ${modelId}` }]).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline check">
          <input id="queue-archived" type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
          <label htmlFor="queue-archived">Show archived</label>
        </div>
      </div>
      {/* A new filter starts again from the first page. */}
      <Pages
        key={`${status}/${assignee}/${archived}`}
        modelId={modelId}
        status={status}
        assignedTo={assignee}
        archived={archived}
        onShowArchived={() => setArchived(true)}
        refreshKey={refreshKey}
        canSkip={canSkip}
        me={me}
      />
    </section>
  );
}

interface PagesProps {
  modelId: string;
  status: string;
  assignedTo: string;
  /** Archived items shown too (the filter's archived: null), else left out (false). */
  archived: boolean;
  onShowArchived: () => void;
  refreshKey?: string;
  canSkip: boolean;
  me: User;
}

/**
 * Pages is the table: the first page, and each further page asked for.
 * Scientists may tick pending items and skip them together, with one
 * reason (compounds nobody can measure, say), or reserve them for
 * themselves; admins may assign them to any labeler.
 */
function Pages({ modelId, status, assignedTo, archived, onShowArchived, refreshKey, canSkip, me }: PagesProps) {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (!n.delete(id)) n.add(id);
      return n;
    });
  const cols = canSkip ? 9 : 8;
  return (
    <>
      {canSkip && picked.size > 0 && (
        <div className="bulk">
          <BulkSkip ids={[...picked]} onDone={() => setPicked(new Set())} />
          <BulkAssign ids={[...picked]} me={me} onDone={() => setPicked(new Set())} />
        </div>
      )}
      <div className="table-scroll">
        <table className="queue-table">
          <thead>
            <tr>
              {canSkip && (
                <th scope="col">
                  <span className="visually-hidden">Pick</span>
                </th>
              )}
              <th scope="col">Structure</th>
              <th scope="col">Compound</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Prediction</th>
              <th scope="col">Uncertainty</th>
              <th scope="col">Label</th>
              <th scope="col">Held by</th>
            </tr>
          </thead>
          {pages.map((after, i) => (
            <Page
              key={after ?? 'first'}
              modelId={modelId}
              status={status}
              assignedTo={assignedTo}
              archived={archived}
              onShowArchived={onShowArchived}
              after={after}
              refreshKey={refreshKey}
              last={i === pages.length - 1}
              onMore={(cursor) => setPages((p) => [...p, cursor])}
              cols={cols}
              picked={canSkip ? picked : null}
              onPick={toggle}
            />
          ))}
        </table>
      </div>
    </>
  );
}

/** BulkSkip skips the picked items with one reason, all or none. */
function BulkSkip({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  const [{ fetching }, skip] = useMutation(SKIP_ITEMS);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim() === '') return setProblem('Say why these compounds are skipped.');
    const res = await skip({ itemIds: ids, reason: reason.trim() });
    if (res.error) return setProblem(errorMessage(res.error));
    setProblem('');
    onDone();
  }
  return (
    <form className="bulk-skip" onSubmit={submit} noValidate aria-label="Skip picked items">
      <span>
        {ids.length} picked
      </span>
      <div className="field inline">
        <label htmlFor="bulk-reason">Reason</label>
        <input id="bulk-reason" value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={problem !== ''} />
      </div>
      <button type="submit" disabled={fetching}>
        Skip picked
      </button>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

interface PageProps {
  modelId: string;
  status: string;
  assignedTo: string;
  archived: boolean;
  onShowArchived: () => void;
  after: string | null;
  refreshKey?: string;
  last: boolean;
  onMore: (cursor: string) => void;
  cols: number;
  /** The picked items, or null when this user cannot skip. */
  picked: ReadonlySet<string> | null;
  onPick: (id: string) => void;
}

function Page({ modelId, status, assignedTo, archived, onShowArchived, after, refreshKey, last, onMore, cols, picked, onPick }: PageProps) {
  const filter = { modelId, status: status ? [status as QueueStatus] : null, assignedTo: assignedTo || null };
  const [{ data, error }, refetch] = useQuery({
    query: QUEUE,
    variables: { ...filter, archived: archived ? null : false, after },
  });
  useRefetchOn(refreshKey, refetch);
  // How many archived items this filter leaves out, said under the last page.
  const [hidden, refetchHidden] = useQuery({ query: ARCHIVED_COUNT, variables: filter, pause: archived || !last });
  useRefetchOn(archived || !last ? undefined : refreshKey, refetchHidden);
  const hiddenCount = hidden.data?.labelQueue.totalCount ?? 0;
  if (error) {
    return (
      <tbody>
        <tr>
          <td colSpan={cols} className="error">
            {errorMessage(error)}
          </td>
        </tr>
      </tbody>
    );
  }
  if (!data) return null;
  const q = data.labelQueue;
  return (
    <tbody>
      {q.edges.map(({ node }) => (
        <Row key={node.id} modelId={modelId} row={node} picked={picked} onPick={onPick} />
      ))}
      {last && (
        <tr className="queue-foot">
          <td colSpan={cols}>
            <span data-testid="queue-total">{q.totalCount}</span> items
            {archived ? ', archived ones included' : ''}
            {!archived && hiddenCount > 0 && (
              <span data-testid="archived-hidden">
                {' '}
                · {hiddenCount} archived {hiddenCount === 1 ? 'item is' : 'items are'} not shown (a retrain trained on {hiddenCount === 1 ? 'its label' : 'their labels'}){' '}
                <button type="button" className="link inline" onClick={onShowArchived}>
                  Show archived
                </button>
              </span>
            )}
            {q.pageInfo.hasNextPage && q.pageInfo.endCursor && (
              <button className="secondary" onClick={() => onMore(q.pageInfo.endCursor!)}>
                Show more
              </button>
            )}
          </td>
        </tr>
      )}
    </tbody>
  );
}


/**
 * BulkAssign gives the picked items to one labeler (they stay pending; only
 * the assignee can claim them): scientists reserve them for themselves,
 * admins choose among the enabled scientists and admins.
 */
function BulkAssign({ ids, me, onDone }: { ids: string[]; me: User; onDone: () => void }) {
  const admin = me.role === 'ADMIN';
  const [users] = useQuery({ query: USERS, pause: !admin });
  const [to, setTo] = useState(me.id);
  const [problem, setProblem] = useState('');
  const [{ fetching }, assign] = useMutation(ASSIGN_ITEMS);
  const labelers = (users.data?.users ?? []).filter((u) => !u.disabled && u.role !== 'VIEWER');
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await assign({ itemIds: ids, userId: to });
    if (res.error) return setProblem(errorMessage(res.error));
    setProblem('');
    onDone();
  }
  return (
    <form className="bulk-assign" onSubmit={submit} noValidate aria-label="Assign picked items">
      {admin && labelers.length > 0 ? (
        <div className="field inline">
          <label htmlFor="bulk-assignee">Assign to</label>
          <select id="bulk-assignee" value={to} onChange={(e) => setTo(e.target.value)}>
            {labelers.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name || u.email}
                {u.id === me.id ? ' (me)' : ''}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <button type="submit" className="secondary" disabled={fetching}>
        {admin && labelers.length > 0 ? 'Assign picked' : 'Reserve picked for me'}
      </button>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/**
 * Row is one item; clicking it (or its name, a link a keyboard reaches)
 * opens the item on the Labeling tab. The pick box is a control of its own.
 * An archived item says which version trained on its label; a corrected or
 * retracted label lists its changes (who, when, from what to what, why).
 */
function Row({ modelId, row, picked, onPick }: { modelId: string; row: QueueRow; picked: ReadonlySet<string> | null; onPick: (id: string) => void }) {
  const name = row.compound.name || row.compound.inputSmiles;
  const href = modelHref(modelId, 'label', row.id);
  const archived = archivedNote(row);
  const changes = corrections(row.labelHistory);
  const open = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('input, a, button, label')) return;
    window.location.hash = href;
  };
  return (
    <tr data-testid="queue-row" className="clickable" onClick={open}>
      {picked && (
        <td>
          {row.status === 'PENDING' && <input type="checkbox" checked={picked.has(row.id)} onChange={() => onPick(row.id)} aria-label={`Pick ${name}`} />}
        </td>
      )}
      <td className="thumb">
        <Structure smiles={row.compound.inputSmiles} label={name} width={120} height={80} explain={false} />
      </td>
      <td>
        <a href={href} className="open-item">
          {row.compound.name || 'Unnamed compound'}
        </a>
        <div className="smiles small">{row.compound.inputSmiles}</div>
        {row.skipReason && <div className="muted small">Skipped: {row.skipReason}</div>}
        {row.notes && <div className="muted small">Notes: {row.notes}</div>}
        {changes.length > 0 && (
          <ul className="label-history muted small" aria-label={`Label history of ${name}`}>
            {changes.map((c) => (
              <li key={c.createdAt + c.action}>{changeLine(c)}</li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {row.status.toLowerCase().replace('_', ' ')}
        {archived && (
          <div className="tag" data-testid="archived">
            {archived}
          </div>
        )}
      </td>
      <td>{formatNumber(row.priority)}</td>
      <td>{row.predictedClass ? `${row.predictedClass} (${formatNumber(row.prediction)})` : formatNumber(row.prediction)}</td>
      <td>± {formatNumber(row.uncertainty)}</td>
      <td>
        {row.label === null ? '–' : `${row.labelClass ?? formatNumber(row.label)} (${row.labelSource?.toLowerCase().replace('_', ' ')})`}
        {row.labelImplausible && <div className="tag">confirmed implausible</div>}
      </td>
      <td>{row.assignedTo ? row.assignedTo.name || row.assignedTo.email : '–'}</td>
    </tr>
  );
}
