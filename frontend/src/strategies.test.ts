import { strategiesFor } from './strategies';

describe('strategiesFor', () => {
  it('offers margin and entropy only for classification', () => {
    const reg = strategiesFor('REGRESSION').map((s) => s.spec);
    const cls = strategiesFor('CLASSIFICATION').map((s) => s.spec);
    expect(reg).not.toContain('margin');
    expect(reg).not.toContain('entropy');
    expect(cls).toContain('margin');
    expect(cls).not.toContain('ucb');
    expect(reg[0]).toBe('default');
    expect(cls[0]).toBe('default');
    expect(reg).not.toContain('adaptive');
    expect(reg[1]).toBe('mix');
  });
});
