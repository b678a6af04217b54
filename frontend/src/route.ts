// Hash routes: #/ (models), #/models/ID (label the queue of model ID),
// #/import (import compounds).

export type Route = { page: 'models' } | { page: 'label'; modelId: string } | { page: 'import' };

export function parseRoute(hash: string): Route {
  const m = /^#\/models\/([0-9]+)\/?$/.exec(hash);
  if (m) return { page: 'label', modelId: m[1] };
  if (/^#\/import\/?$/.test(hash)) return { page: 'import' };
  return { page: 'models' };
}

export function labelHref(modelId: string): string {
  return `#/models/${modelId}`;
}
