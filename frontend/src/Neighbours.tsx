import { useQuery } from 'urql';
import { NEIGHBOURS, type Neighbour } from './api';
import { errorMessage, formatNumber } from './label';
import { compoundHref } from './route';

/**
 * Neighbours shows the compounds most similar to the one being labeled
 * (Tanimoto on Morgan fingerprints) with their measured values of the
 * endpoint: a quick check of a value against close analogs.
 */
export function Neighbours({ compoundId, endpoint }: { compoundId: string; endpoint: string }) {
  const [{ data, error }] = useQuery<{ compound: { similar: Neighbour[] } }>({
    query: NEIGHBOURS,
    variables: { id: compoundId, endpoint },
  });
  if (error) return <p className="error">{errorMessage(error)}</p>;
  if (!data) return null;
  return (
    <details className="neighbours" open>
      <summary>Most similar compounds</summary>
      <table aria-label="Most similar compounds">
        <thead>
          <tr>
            <th>Similarity</th>
            <th>Compound</th>
            <th>Measured {endpoint}</th>
          </tr>
        </thead>
        <tbody>
          {data.compound.similar.map((n) => (
            <tr key={n.compound.id}>
              <td>{n.similarity.toFixed(2)}</td>
              <td>
                {/* a new tab: the label being typed stays */}
                <a href={compoundHref(n.compound.id)} target="_blank" rel="noopener">
                  {n.compound.name || 'Unnamed compound'}
                </a>
                <div className="smiles small">{n.compound.inputSmiles}</div>
              </td>
              <td>{n.compound.measurements.length ? n.compound.measurements.map((m) => formatNumber(m.value)).join(', ') : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
