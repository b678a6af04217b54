// Downloads the server streams (server/export.go): a model's pool with its
// predictions, GET /export/pool.csv and /export/pool.sdf (every compound,
// or one compound set's), signed in by the session cookie. The server names
// the file after the model and the set ("ESOL-screen_1-pool.sdf").

/** PoolFormat is a file format of the scored-pool export. */
export type PoolFormat = 'csv' | 'sdf';

/** POOL_FORMATS are the pool export's formats, in the order offered. */
export const POOL_FORMATS: readonly PoolFormat[] = ['csv', 'sdf'];

/**
 * poolExportHref is the URL of a model's scored pool (scored by its active
 * version): every compound, or only the compounds of set setId.
 */
export function poolExportHref(format: PoolFormat, modelId: string, setId?: string): string {
  const q = new URLSearchParams({ model: modelId });
  if (setId) q.set('set', setId);
  return `/export/pool.${format}?${q.toString()}`;
}
