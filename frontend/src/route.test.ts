import { compoundHref, labelHref, modelHref, pageTitle, parseRoute } from './route';

// Entity IDs are UUIDv7 in canonical text form, as the API returns them.
const MODEL = '01939a5c-2b7e-7f3a-9c1d-4e5f6a7b8c9d';
const ITEM = '01939a5d-0a11-7b22-8c33-d44e55f66a77';
const COMPOUND = '01939a5b-ffee-7ddc-bbaa-998877665544';

describe('parseRoute', () => {
  it('maps hashes to pages', () => {
    expect(parseRoute('')).toEqual({ page: 'models' });
    expect(parseRoute('#/')).toEqual({ page: 'models' });
    expect(parseRoute(`#/models/${MODEL}`)).toEqual({ page: 'model', modelId: MODEL, tab: 'label' });
    expect(parseRoute(`#/models/${MODEL}/`)).toEqual({ page: 'model', modelId: MODEL, tab: 'label' });
    expect(parseRoute(`#/models/${MODEL}/queue`)).toEqual({ page: 'model', modelId: MODEL, tab: 'queue' });
    expect(parseRoute(`#/models/${MODEL}/cycles/`)).toEqual({ page: 'model', modelId: MODEL, tab: 'cycles' });
    expect(parseRoute(`#/models/${MODEL}/select`)).toEqual({ page: 'model', modelId: MODEL, tab: 'select' });
    expect(parseRoute(`#/models/${MODEL}/label/${ITEM}`)).toEqual({ page: 'model', modelId: MODEL, tab: 'label', itemId: ITEM });
    expect(parseRoute(`#/models/${MODEL}/queue/${ITEM}`)).toEqual({ page: 'models' });
    expect(parseRoute(`#/models/${MODEL}/nonsense`)).toEqual({ page: 'models' });
    expect(parseRoute('#/import')).toEqual({ page: 'import' });
    expect(parseRoute('#/models/new')).toEqual({ page: 'new-model' });
    expect(parseRoute('#/tokens')).toEqual({ page: 'tokens' });
    expect(parseRoute('#/compounds')).toEqual({ page: 'compounds' });
    expect(parseRoute('#/users')).toEqual({ page: 'users' });
    expect(parseRoute(`#/compounds/${COMPOUND}`)).toEqual({ page: 'compound', compoundId: COMPOUND });
  });
  it.each([
    ['an integer id (the old form)', '12'],
    ['a word', 'x'],
    ['upper case', MODEL.toUpperCase()],
    ['no hyphens', MODEL.replaceAll('-', '')],
    ['braces', `{${MODEL}}`],
    ['a urn', `urn:uuid:${MODEL}`],
    ['a short group', MODEL.slice(0, -1)],
    ['a trailing character', `${MODEL}0`],
    ['a non-hex digit', MODEL.replace('c', 'g')],
  ])('rejects %s as an id', (_, id) => {
    expect(parseRoute(`#/models/${id}`)).toEqual({ page: 'models' });
    expect(parseRoute(`#/models/${id}/queue`)).toEqual({ page: 'models' });
    expect(parseRoute(`#/models/${MODEL}/label/${id}`)).toEqual({ page: 'models' });
    expect(parseRoute(`#/compounds/${id}`)).toEqual({ page: 'models' });
  });
  it('round-trips the hrefs', () => {
    expect(parseRoute(labelHref(MODEL))).toEqual({ page: 'model', modelId: MODEL, tab: 'label' });
    expect(parseRoute(modelHref(MODEL, 'select'))).toEqual({ page: 'model', modelId: MODEL, tab: 'select' });
    expect(parseRoute(modelHref(MODEL, 'label', ITEM))).toEqual({ page: 'model', modelId: MODEL, tab: 'label', itemId: ITEM });
    expect(parseRoute(compoundHref(COMPOUND))).toEqual({ page: 'compound', compoundId: COMPOUND });
  });
});

describe('pageTitle', () => {
  it('names the tab and the model', () => {
    expect(pageTitle({ page: 'model', modelId: MODEL, tab: 'queue' }, 'ESOL')).toBe('Label Queue · ESOL · ActiveLab');
    expect(pageTitle({ page: 'model', modelId: MODEL, tab: 'label' })).toBe('Labeling · ActiveLab');
    expect(pageTitle({ page: 'models' })).toBe('Models · ActiveLab');
  });
});
