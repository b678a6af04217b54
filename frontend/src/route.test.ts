import { compoundHref, labelHref, parseRoute } from './route';

describe('parseRoute', () => {
  it('maps hashes to pages', () => {
    expect(parseRoute('')).toEqual({ page: 'models' });
    expect(parseRoute('#/')).toEqual({ page: 'models' });
    expect(parseRoute('#/models/12')).toEqual({ page: 'label', modelId: '12' });
    expect(parseRoute('#/models/12/')).toEqual({ page: 'label', modelId: '12' });
    expect(parseRoute('#/models/x')).toEqual({ page: 'models' });
    expect(parseRoute('#/import')).toEqual({ page: 'import' });
    expect(parseRoute('#/models/new')).toEqual({ page: 'new-model' });
    expect(parseRoute('#/tokens')).toEqual({ page: 'tokens' });
    expect(parseRoute('#/compounds')).toEqual({ page: 'compounds' });
    expect(parseRoute('#/users')).toEqual({ page: 'users' });
    expect(parseRoute('#/compounds/42')).toEqual({ page: 'compound', compoundId: '42' });
    expect(parseRoute('#/compounds/4x')).toEqual({ page: 'models' });
  });
  it('round-trips labelHref', () => {
    expect(parseRoute(labelHref('7'))).toEqual({ page: 'label', modelId: '7' });
    expect(parseRoute(compoundHref('8'))).toEqual({ page: 'compound', compoundId: '8' });
  });
});
