import { useQuery } from 'urql';
import { MODELS, type ModelSummary, type User } from './api';
import { headlineName, metricTitle } from './curve';
import { errorMessage, formatNumber, headlineMetric } from './label';
import { usePoll } from './refresh';
import { labelHref } from './route';
import { Alert } from './Alert';

/** POLL_MS is how often the list refreshes while a model trains. */
const POLL_MS = 2000;

/**
 * Models lists every model lineage with its active version's headline
 * metric; while one trains it refreshes every two seconds, and a failed
 * training shows its error. Admins get a link to create a model.
 */
export function Models({ user }: { user: User }) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: MODELS });
  const training = data?.models.some((m) => m.status === 'TRAINING') ?? false;
  usePoll(training, refetch, POLL_MS);
  if (error && !data) return <Alert>{errorMessage(error)}</Alert>;
  if (!data) return <p>{fetching ? 'Loading…' : ''}</p>;
  const create = user.role === 'ADMIN' && (
    <p>
      <a href="#/models/new">New model</a>
    </p>
  );
  if (data.models.length === 0) {
    return (
      <section>
        <h2>Models</h2>
        <p>No models yet.{user.role === 'ADMIN' ? '' : ' An admin creates them.'}</p>
        {create}
      </section>
    );
  }
  return (
    <section>
      <h2>Models</h2>
      {create}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Endpoint</th>
            <th>Task</th>
            <th>Status</th>
            <th>Version</th>
            <th>Validation</th>
          </tr>
        </thead>
        <tbody>
          {data.models.map((m) => (
            <tr key={m.id}>
              <td>
                <a href={labelHref(m.id)}>{m.name}</a>
              </td>
              <td>{m.endpoint}</td>
              <td>{m.task.toLowerCase()}</td>
              <td data-testid={`model-status-${m.id}`}>
                {m.status.toLowerCase()}
                {m.currentVersion?.error && <span className="error"> ({m.currentVersion.error})</span>}
              </td>
              <td>{m.activeVersion?.version ?? '–'}</td>
              <td>{headline(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function headline(m: ModelSummary): string {
  const name = headlineName(m.task);
  const value = headlineMetric(m.activeVersion?.metrics ?? [], name);
  return value === null ? '–' : `${metricTitle(name)} ${formatNumber(value)}`;
}
