import { poolExportHref } from './downloads';

const MODEL = '01939a5c-2b7e-7f3a-9c1d-4e5f6a7b8c9d';
const SET = '01939a5d-0a11-7b22-8c33-d44e55f66a77';

describe('poolExportHref', () => {
  it('names the model and, for a set, the set (the routes of server/export.go)', () => {
    expect(poolExportHref('csv', MODEL)).toBe(`/export/pool.csv?model=${MODEL}`);
    expect(poolExportHref('sdf', MODEL, SET)).toBe(`/export/pool.sdf?model=${MODEL}&set=${SET}`);
  });

  it('escapes what it is given', () => {
    expect(poolExportHref('csv', 'ESOL & co')).toBe('/export/pool.csv?model=ESOL+%26+co');
  });
});
