import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { day, errorMessage } from './label';
import { graphql } from './graphql';
import { EXPIRIES, expiresAt, pythonSnippet, tokenStatus } from './tokens';

const TOKEN = graphql(`fragment TokenFields on ApiToken { id name prefix createdAt lastUsedAt expiresAt revokedAt }`);
const TOKENS = graphql(`query Tokens { apiTokens { ...TokenFields } }`, [TOKEN]);
const CREATE = graphql(`mutation CreateToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret token { ...TokenFields } } }`, [TOKEN]);
const REVOKE = graphql(`mutation RevokeToken($id: ID!) { revokeApiToken(id: $id) { ...TokenFields } }`, [TOKEN]);

/**
 * Tokens is where a user issues API tokens for notebooks and dashboards
 * (the secret is shown once, with a snippet that uses it), sees when each
 * was last used, and revokes them.
 */
export function Tokens() {
  const [{ data, error }, refetch] = useQuery({ query: TOKENS });
  const [{ fetching: creating }, create] = useMutation(CREATE);
  const [, revoke] = useMutation(REVOKE);
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState(EXPIRIES[0].value);
  const [problem, setProblem] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const now = new Date();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() === '') return setProblem('Say what the token is for, e.g. “ESOL notebook”.');
    setProblem('');
    const res = await create({ input: { name: name.trim(), expiresAt: expiresAt(expiry, new Date()) } });
    if (res.error) return setProblem(errorMessage(res.error));
    setCreated({ name: res.data!.createApiToken.token.name, secret: res.data!.createApiToken.secret });
    setCopied(false);
    setName('');
    refetch({ requestPolicy: 'network-only' });
  }
  async function onRevoke(id: string) {
    const res = await revoke({ id });
    if (res.error) setProblem(errorMessage(res.error));
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <section>
      <h2>API tokens</h2>
      <p>
        Notebooks and dashboards call <code>/graphql</code> with a token: <code>Authorization: Bearer &lt;secret&gt;</code>. A token acts as you,
        with your role.
      </p>
      <form className="token-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="token-name">What it is for</label>
          <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={problem !== ''} aria-describedby={problem ? 'token-error' : undefined} />
        </div>
        <div className="field">
          <label htmlFor="token-expiry">Expires</label>
          <select id="token-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRIES.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={creating}>
          Create token
        </button>
      </form>
      {problem && (
        <p id="token-error" className="field-error" role="alert">
          {problem}
        </p>
      )}
      {created && (
        <div className="secret" role="status" aria-label="New token">
          <p>
            The secret of <strong>{created.name}</strong>. Copy it now: it is not shown again.
          </p>
          <code data-testid="token-secret">{created.secret}</code>{' '}
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              await navigator.clipboard?.writeText(created.secret).catch(() => {});
              setCopied(true);
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          <details>
            <summary>Use it from Python</summary>
            <pre>{pythonSnippet(window.location.origin, created.secret)}</pre>
          </details>
        </div>
      )}
      {error && !data && <p className="error">{errorMessage(error)}</p>}
      {data && data.apiTokens.length > 0 && (
        <table aria-label="Your API tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Starts with</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.apiTokens.map((t) => {
              const status = tokenStatus(t, now);
              return (
                <tr key={t.id} data-testid="token-row">
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{day(t.createdAt)}</td>
                  <td>{day(t.lastUsedAt)}</td>
                  <td>{t.expiresAt ? day(t.expiresAt) : 'never'}</td>
                  <td>{status}</td>
                  <td>
                    {status === 'active' && (
                      <button className="secondary" onClick={() => onRevoke(t.id)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
