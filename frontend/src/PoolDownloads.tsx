import { useState } from 'react';
import { POOL_FORMATS, poolExportHref } from './downloads';

/** ModelChoice is a model that can score a download: its lineage ID and name. */
export interface ModelChoice {
  id: string;
  name: string;
}

interface Props {
  /** The models that may score the pool; with more than one the user picks. */
  models: ModelChoice[];
  /** A compound set to export instead of every compound. */
  set?: { id: string; name: string };
}

/**
 * PoolDownloads links the pool with its predictions (prediction,
 * uncertainty, interval, applicability, nearest training compound, the
 * latest measurement, and the compounds' imported ID columns) as CSV and
 * SDF: on a model's page for every compound, on a set's for its compounds,
 * scored by the model chosen. It renders nothing without a model.
 */
export function PoolDownloads({ models, set }: Props) {
  const [chosen, setChosen] = useState('');
  const model = models.find((m) => m.id === chosen) ?? models[0];
  if (!model) return null;
  const what = set ? `${set.name} with predictions` : 'Pool with predictions';
  return (
    <p className="pool-downloads small" data-testid="pool-downloads">
      {what}
      {models.length > 1 ? (
        <>
          {' by '}
          <select aria-label="Model that scores the download" value={model.id} onChange={(e) => setChosen(e.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      :{' '}
      {POOL_FORMATS.map((f, i) => (
        <span key={f}>
          {i > 0 && ' · '}
          <a href={poolExportHref(f, model.id, set?.id)} download>
            Download {f.toUpperCase()}
          </a>
        </span>
      ))}
    </p>
  );
}
