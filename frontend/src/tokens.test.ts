import { day } from './label';
import { expiresAt, pythonSnippet, tokenStatus, type ApiToken } from './tokens';

const now = new Date('2026-11-26T10:00:00Z');
const tok = (p: Partial<ApiToken>): ApiToken => ({ id: '01939a5c-2b7e-7f3a-9c1d-4e5f6a7b8c9d', name: 'nb', prefix: 'al_ab12', createdAt: '2026-11-01T00:00:00Z', lastUsedAt: null, expiresAt: null, revokedAt: null, ...p });

describe('API tokens', () => {
  it('turns an expiry choice into a time', () => {
    expect(expiresAt('30', now)).toBe('2026-12-26T10:00:00.000Z');
    expect(expiresAt('never', now)).toBeNull();
  });
  it('says whether a token still works', () => {
    expect(tokenStatus(tok({}), now)).toBe('active');
    expect(tokenStatus(tok({ expiresAt: '2026-11-27T00:00:00Z' }), now)).toBe('active');
    expect(tokenStatus(tok({ expiresAt: '2026-11-26T09:59:59Z' }), now)).toBe('expired');
    expect(tokenStatus(tok({ revokedAt: '2026-11-20T00:00:00Z', expiresAt: '2026-11-21T00:00:00Z' }), now)).toBe('revoked');
    expect(day('2026-11-26T10:00:00Z')).toBe('2026-11-26');
    expect(day(null)).toBe('–');
  });
  it('writes a notebook snippet with the server and the secret', () => {
    const s = pythonSnippet('https://al.example', 'al_secret');
    expect(s).toContain('API = "https://al.example/graphql"');
    expect(s).toContain('{"Authorization": "Bearer al_secret"}');
  });
});
