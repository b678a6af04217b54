import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ASSIGN_ITEMS, QUEUE, SKIP_ITEMS, type QueuePage, type QueueRow, type User } from './api';
import { errorMessage, formatNumber } from './label';
import { useRefetchOn } from './refresh';

const STATUSES = [
  { value: '', label: 'Every status' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'IN_PROGRESS', label: 'In progress' },
  { value: 'LABELED', label: 'Labeled' },
  { value: 'SKIPPED', label: 'Skipped' },
];

/**
 * Queue lists a model's queue items by priority, 25 at a time, optionally
 * of one status: who holds what, what was labeled with which value.
 * It refreshes when refreshKey changes (each queue event and reconnect).
 */
export function Queue({ modelId, refreshKey, me }: { modelId: string; refreshKey?: string; me: User }) {
  const canSkip = me.role !== 'VIEWER';
  const [status, setStatus] = useState('');
  return (
    <section className="queue" aria-label="Queue items">
      <h3>Queue</h3>
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
      {/* A new status starts again from the first page. */}
      <Pages key={status} modelId={modelId} status={status} refreshKey={refreshKey} canSkip={canSkip} me={me} />
    </section>
  );
}

/**
 * Pages is the table: the first page, and each further page asked for.
 * Scientists may tick pending items and skip them together, with one
 * reason (compounds nobody can measure, say), or reserve them for
 * themselves; admins may assign them to any labeler.
 */
function Pages({ modelId, status, refreshKey, canSkip, me }: { modelId: string; status: string; refreshKey?: string; canSkip: boolean; me: User }) {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (!n.delete(id)) n.add(id);
      return n;
    });
  const cols = canSkip ? 7 : 6;
  return (
    <>
      {canSkip && picked.size > 0 && (
        <div className="bulk">
          <BulkSkip ids={[...picked]} onDone={() => setPicked(new Set())} />
          <BulkAssign ids={[...picked]} me={me} onDone={() => setPicked(new Set())} />
        </div>
      )}
      <table>
        <thead>
          <tr>
            {canSkip && <th aria-label="Pick" />}
            <th>Compound</th>
            <th>Status</th>
            <th>Priority</th>
            <th>Prediction</th>
            <th>Label</th>
            <th>Held by</th>
          </tr>
        </thead>
        {pages.map((after, i) => (
          <Page
            key={after ?? 'first'}
            modelId={modelId}
            status={status}
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
  after: string | null;
  refreshKey?: string;
  last: boolean;
  onMore: (cursor: string) => void;
  cols: number;
  /** The picked items, or null when this user cannot skip. */
  picked: ReadonlySet<string> | null;
  onPick: (id: string) => void;
}

function Page({ modelId, status, after, refreshKey, last, onMore, cols, picked, onPick }: PageProps) {
  const [{ data, error }, refetch] = useQuery<{ labelQueue: QueuePage }>({
    query: QUEUE,
    variables: { modelId, status: status ? [status] : null, after },
  });
  useRefetchOn(refreshKey, refetch);
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
        <Row key={node.id} row={node} picked={picked} onPick={onPick} />
      ))}
      {last && (
        <tr className="queue-foot">
          <td colSpan={cols}>
            <span data-testid="queue-total">{q.totalCount}</span> items
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

const LABELERS = `query Labelers { users { id name email role disabled } }`;

/**
 * BulkAssign gives the picked items to one labeler (they stay pending; only
 * the assignee can claim them): scientists reserve them for themselves,
 * admins choose among the enabled scientists and admins.
 */
function BulkAssign({ ids, me, onDone }: { ids: string[]; me: User; onDone: () => void }) {
  const admin = me.role === 'ADMIN';
  const [users] = useQuery<{ users: (User & { disabled: boolean })[] }>({ query: LABELERS, pause: !admin });
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

function Row({ row, picked, onPick }: { row: QueueRow; picked: ReadonlySet<string> | null; onPick: (id: string) => void }) {
  const name = row.compound.name || row.compound.inputSmiles;
  return (
    <tr data-testid="queue-row">
      {picked && (
        <td>
          {row.status === 'PENDING' && <input type="checkbox" checked={picked.has(row.id)} onChange={() => onPick(row.id)} aria-label={`Pick ${name}`} />}
        </td>
      )}
      <td>
        {row.compound.name && <div>{row.compound.name}</div>}
        <div className="smiles small">{row.compound.inputSmiles}</div>
      </td>
      <td>{row.status.toLowerCase().replace('_', ' ')}</td>
      <td>{formatNumber(row.priority)}</td>
      <td>
        {formatNumber(row.prediction)} ± {formatNumber(row.uncertainty)}
      </td>
      <td>{row.label === null ? '–' : `${formatNumber(row.label)} (${row.labelSource?.toLowerCase().replace('_', ' ')})`}</td>
      <td>{row.assignedTo ? row.assignedTo.name || row.assignedTo.email : '–'}</td>
    </tr>
  );
}
