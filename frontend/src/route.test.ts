import { compoundHref, labelHref, modelHref, pageTitle, parseRoute } from './route';

describe('parseRoute', () => {
  it('maps hashes to pages', () => {
    expect(parseRoute('')).toEqual({ page: 'models' });
    expect(parseRoute('#/')).toEqual({ page: 'models' });
    expect(parseRoute('#/models/12')).toEqual({ page: 'model', modelId: '12', tab: 'label' });
    expect(parseRoute('#/models/12/')).toEqual({ page: 'model', modelId: '12', tab: 'label' });
    expect(parseRoute('#/models/12/queue')).toEqual({ page: 'model', modelId: '12', tab: 'queue' });
    expect(parseRoute('#/models/12/cycles/')).toEqual({ page: 'model', modelId: '12', tab: 'cycles' });
    expect(parseRoute('#/models/12/select')).toEqual({ page: 'model', modelId: '12', tab: 'select' });
    expect(parseRoute('#/models/12/label/99')).toEqual({ page: 'model', modelId: '12', tab: 'label', itemId: '99' });
    expect(parseRoute('#/models/12/queue/99')).toEqual({ page: 'models' });
    expect(parseRoute('#/models/12/nonsense')).toEqual({ page: 'models' });
    expect(parseRoute('#/models/x')).toEqual({ page: 'models' });
    expect(parseRoute('#/import')).toEqual({ page: 'import' });
    expect(parseRoute('#/models/new')).toEqual({ page: 'new-model' });
    expect(parseRoute('#/tokens')).toEqual({ page: 'tokens' });
    expect(parseRoute('#/compounds')).toEqual({ page: 'compounds' });
    expect(parseRoute('#/users')).toEqual({ page: 'users' });
    expect(parseRoute('#/compounds/42')).toEqual({ page: 'compound', compoundId: '42' });
    expect(parseRoute('#/compounds/4x')).toEqual({ page: 'models' });
  });
  it('round-trips the hrefs', () => {
    expect(parseRoute(labelHref('7'))).toEqual({ page: 'model', modelId: '7', tab: 'label' });
    expect(parseRoute(modelHref('7', 'select'))).toEqual({ page: 'model', modelId: '7', tab: 'select' });
    expect(parseRoute(modelHref('7', 'label', '3'))).toEqual({ page: 'model', modelId: '7', tab: 'label', itemId: '3' });
    expect(parseRoute(compoundHref('8'))).toEqual({ page: 'compound', compoundId: '8' });
  });
});

describe('pageTitle', () => {
  it('names the tab and the model', () => {
    expect(pageTitle({ page: 'model', modelId: '1', tab: 'queue' }, 'ESOL')).toBe('Label Queue · ESOL · ActiveLab');
    expect(pageTitle({ page: 'model', modelId: '1', tab: 'label' })).toBe('Labeling · ActiveLab');
    expect(pageTitle({ page: 'models' })).toBe('Models · ActiveLab');
  });
});
