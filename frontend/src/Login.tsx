import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { LOGIN } from './api';
import { Alert } from './Alert';

/** Login signs in with email and password; the server sets the session cookie. */
export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState('');
  const [{ fetching }, login] = useMutation(LOGIN);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure('');
    const res = await login({ email: email.trim(), password });
    if (res.error) {
      setFailure(res.error.networkError ? 'The server cannot be reached.' : (res.error.graphQLErrors[0]?.message ?? 'Sign-in failed.'));
      return;
    }
    onSignedIn();
  }

  return (
    <form className="login" onSubmit={submit}>
      <h2>Sign in</h2>
      <div className="field">
        <label htmlFor="login-email">Email</label>
        <input id="login-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </div>
      <Alert>{failure}</Alert>
      <button type="submit" disabled={fetching}>
        Sign in
      </button>
    </form>
  );
}
