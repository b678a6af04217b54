// Hash routes: #/ (models), #/models/ID/TAB (a model's workspace: TAB is
// queue, label, cycles or select; #/models/ID opens label),
// #/models/ID/label/ITEM (one queue item opened for labeling),
// #/models/new (create a model), #/import (import compounds), #/tokens
// (API tokens), #/compounds (search), #/compounds/ID (one compound),
// #/users (accounts, for admins). Every ID in a route is an entity's UUID in
// its canonical text form (lower case, hyphenated: what the API returns and
// the only spelling it accepts); any other ID falls back to #/.

/** TABS are a model workspace's tabs, in the order shown, with their titles. */
export const TABS = [
  { id: 'queue', title: 'Label Queue' },
  { id: 'label', title: 'Labeling' },
  { id: 'cycles', title: 'Cycle History' },
  { id: 'select', title: 'Sample Selection' },
] as const;

export type Tab = (typeof TABS)[number]['id'];

export type Route =
  | { page: 'models' }
  | { page: 'model'; modelId: string; tab: Tab; itemId?: string }
  | { page: 'new-model' }
  | { page: 'import' }
  | { page: 'tokens' }
  | { page: 'compounds' }
  | { page: 'compound'; compoundId: string }
  | { page: 'users' };

/** UUID is the canonical text form of an entity's ID (RFC 9562: lower-case hex, hyphenated 8-4-4-4-12). */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const MODEL_ROUTE = new RegExp(`^#/models/(${UUID})(?:/(queue|label|cycles|select))?(?:/(${UUID}))?/?$`);
const COMPOUND_ROUTE = new RegExp(`^#/compounds/(${UUID})/?$`);

export function parseRoute(hash: string): Route {
  const m = MODEL_ROUTE.exec(hash);
  if (m && (m[3] === undefined || m[2] === 'label')) {
    const r: Route = { page: 'model', modelId: m[1], tab: (m[2] as Tab | undefined) ?? 'label' };
    if (m[3]) r.itemId = m[3];
    return r;
  }
  if (/^#\/import\/?$/.test(hash)) return { page: 'import' };
  if (/^#\/models\/new\/?$/.test(hash)) return { page: 'new-model' };
  if (/^#\/tokens\/?$/.test(hash)) return { page: 'tokens' };
  if (/^#\/compounds\/?$/.test(hash)) return { page: 'compounds' };
  if (/^#\/users\/?$/.test(hash)) return { page: 'users' };
  const c = COMPOUND_ROUTE.exec(hash);
  if (c) return { page: 'compound', compoundId: c[1] };
  return { page: 'models' };
}

/** modelHref links a model's workspace tab (labeling by default), or one queue item opened for labeling. */
export function modelHref(modelId: string, tab: Tab = 'label', itemId?: string): string {
  return `#/models/${modelId}/${tab}${itemId && tab === 'label' ? `/${itemId}` : ''}`;
}

/** labelHref links a model's labeling tab. */
export function labelHref(modelId: string): string {
  return modelHref(modelId, 'label');
}

export function compoundHref(compoundId: string): string {
  return `#/compounds/${compoundId}`;
}

/**
 * pageTitle names the page for the browser's title bar and history: the
 * tab and the model on a model's workspace ("Labeling · ESOL · ActiveLab").
 */
export function pageTitle(route: Route, modelName?: string): string {
  const suffix = 'ActiveLab';
  switch (route.page) {
    case 'model': {
      const tab = TABS.find((t) => t.id === route.tab)?.title ?? '';
      return [tab, modelName, suffix].filter(Boolean).join(' · ');
    }
    case 'new-model':
      return `New model · ${suffix}`;
    case 'import':
      return `Import compounds · ${suffix}`;
    case 'tokens':
      return `API tokens · ${suffix}`;
    case 'compounds':
      return `Compounds · ${suffix}`;
    case 'compound':
      return `Compound · ${suffix}`;
    case 'users':
      return `Users · ${suffix}`;
    default:
      return `Models · ${suffix}`;
  }
}
