import { checkNewUser } from './users';

const good = { email: ' ada@example.org ', name: ' Ada ', role: 'SCIENTIST' as const, password: 'correct horse' };

describe('checkNewUser', () => {
  it('trims and passes a good user', () => {
    expect(checkNewUser(good)).toEqual({ ok: true, input: { email: 'ada@example.org', name: 'Ada', role: 'SCIENTIST', password: 'correct horse' } });
  });
  it('names the field that is wrong', () => {
    expect(checkNewUser({ ...good, email: 'ada' })).toMatchObject({ ok: false, field: 'email' });
    expect(checkNewUser({ ...good, email: 'a da@x.org' })).toMatchObject({ ok: false, field: 'email' });
    expect(checkNewUser({ ...good, name: '  ' })).toMatchObject({ ok: false, field: 'name' });
    expect(checkNewUser({ ...good, password: 'short' })).toEqual({ ok: false, field: 'password', error: 'A password has at least 8 characters.' });
    // characters, not bytes: seven accented letters are too few
    expect(checkNewUser({ ...good, password: 'ééééééé' })).toMatchObject({ ok: false, field: 'password' });
  });
});
