// Hash routes: #/ (models), #/models/ID (label the queue of model ID),
// #/models/new (create a model), #/import (import compounds), #/tokens
// (API tokens), #/compounds (search), #/compounds/ID (one compound),
// #/users (accounts, for admins).

export type Route =
  | { page: 'models' }
  | { page: 'label'; modelId: string }
  | { page: 'new-model' }
  | { page: 'import' }
  | { page: 'tokens' }
  | { page: 'compounds' }
  | { page: 'compound'; compoundId: string }
  | { page: 'users' };

export function parseRoute(hash: string): Route {
  const m = /^#\/models\/([0-9]+)\/?$/.exec(hash);
  if (m) return { page: 'label', modelId: m[1] };
  if (/^#\/import\/?$/.test(hash)) return { page: 'import' };
  if (/^#\/models\/new\/?$/.test(hash)) return { page: 'new-model' };
  if (/^#\/tokens\/?$/.test(hash)) return { page: 'tokens' };
  if (/^#\/compounds\/?$/.test(hash)) return { page: 'compounds' };
  if (/^#\/users\/?$/.test(hash)) return { page: 'users' };
  const c = /^#\/compounds\/([0-9]+)\/?$/.exec(hash);
  if (c) return { page: 'compound', compoundId: c[1] };
  return { page: 'models' };
}

export function labelHref(modelId: string): string {
  return `#/models/${modelId}`;
}

export function compoundHref(compoundId: string): string {
  return `#/compounds/${compoundId}`;
}
