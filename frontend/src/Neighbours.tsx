import { useQuery } from 'urql';
import { NEIGHBOURS } from './api';
import { errorMessage, formatNumber } from './label';
import { compoundHref } from './route';

/**
 * Neighbours shows the compounds most similar to the one being labeled
 * (Tanimoto on Morgan fingerprints) with their measured values of the
 * endpoint: a quick check of a value against close analogs.
 */
export function Neighbours({ compoundId, endpoint }: { compoundId: string; endpoint: string }) {
  const [{ data, error }] = useQuery({
    query: NEIGHBOURS,
    variables: { id: compoundId, endpoint },
  });
  if (error) return <p className="error">{errorMessage(error)}</p>;
  // The compound's name (or SMILES) on one line; the SMILES shows on hover
  // and on the compound's page.
  if (!data) return null;
  return (
    <details className="neighbours" open>
      <summary>Most similar compounds</summary>
      <table aria-label="Most similar compounds">
        <thead>
          <tr>
            <th scope="col" className="num">Similarity</th>
            <th scope="col">Compound</th>
            <th scope="col" className="num">Measured {endpoint}</th>
          </tr>
        </thead>
        <tbody>
          {data.compound.similar.map((n) => (
            <tr key={n.compound.id}>
              <td className="num">{n.similarity.toFixed(2)}</td>
              <td className="ellipsis" title={n.compound.inputSmiles}>
                {/* a new tab: the label being typed stays */}
                <a href={compoundHref(n.compound.id)} target="_blank" rel="noopener">
                  {n.compound.name || n.compound.inputSmiles}
                </a>
              </td>
              <td className="num">{n.compound.measurements.length ? n.compound.measurements.map((m) => formatNumber(m.value)).join(', ') : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
