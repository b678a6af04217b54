import { useState } from 'react';
import { useQuery } from 'urql';
import { QUEUE, type QueuePage, type QueueRow } from './api';
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
export function Queue({ modelId, refreshKey }: { modelId: string; refreshKey?: string }) {
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
      <Pages key={status} modelId={modelId} status={status} refreshKey={refreshKey} />
    </section>
  );
}

/** Pages is the table: the first page, and each further page asked for. */
function Pages({ modelId, status, refreshKey }: { modelId: string; status: string; refreshKey?: string }) {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <table>
      <thead>
        <tr>
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
        />
      ))}
    </table>
  );
}

interface PageProps {
  modelId: string;
  status: string;
  after: string | null;
  refreshKey?: string;
  last: boolean;
  onMore: (cursor: string) => void;
}

function Page({ modelId, status, after, refreshKey, last, onMore }: PageProps) {
  const [{ data, error }, refetch] = useQuery<{ labelQueue: QueuePage }>({
    query: QUEUE,
    variables: { modelId, status: status ? [status] : null, after },
  });
  useRefetchOn(refreshKey, refetch);
  if (error) {
    return (
      <tbody>
        <tr>
          <td colSpan={6} className="error">
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
        <Row key={node.id} row={node} />
      ))}
      {last && (
        <tr className="queue-foot">
          <td colSpan={6}>
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

function Row({ row }: { row: QueueRow }) {
  return (
    <tr data-testid="queue-row">
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
