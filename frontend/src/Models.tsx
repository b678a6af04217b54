import { useQuery } from 'urql';
import { MODELS, type ModelSummary } from './api';
import { errorMessage, formatNumber, headlineMetric } from './label';
import { labelHref } from './route';

/** Models lists every model lineage with its active version's headline metric. */
export function Models() {
  const [{ data, error, fetching }] = useQuery<{ models: ModelSummary[] }>({ query: MODELS });
  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data) return <p>{fetching ? 'Loading…' : ''}</p>;
  if (data.models.length === 0) return <p>No models yet. An admin creates one with createModel or `activelab train`.</p>;
  return (
    <section>
      <h2>Models</h2>
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
              <td>{m.status.toLowerCase()}</td>
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
  const name = m.task === 'CLASSIFICATION' ? 'roc_auc' : 'rmse';
  const value = headlineMetric(m.activeVersion?.metrics ?? [], name);
  return value === null ? '–' : `${name.toUpperCase().replace('_', '-')} ${formatNumber(value)}`;
}
