import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { User } from './api';
import { graphql, type ResultOf } from './graphql';
import { errorMessage } from './label';
import { checkNewUser, ROLES, type NewUserForm, type Role } from './users';
import { Alert } from './Alert';

const USER = graphql(`fragment Account on User { id email name role disabled createdAt }`);
const USERS = graphql(`query Users { users { ...Account } }`, [USER]);
const CREATE = graphql(`mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...Account } } }`, [USER]);
const UPDATE = graphql(`mutation UpdateUser($input: UpdateUserInput!) { updateUser(input: $input) { user { ...Account } } }`, [USER]);
type Account = ResultOf<typeof USER>;

const EMPTY: NewUserForm = { email: '', name: '', role: 'SCIENTIST', password: '' };

/**
 * Users is the admin's page for accounts: add a colleague with a role and a
 * first password, change roles, disable an account (its sessions and
 * tokens stop at once) or enable it again, and set a new password. The
 * server refuses to demote or disable the last admin; its message is shown.
 */
export function Users({ me }: { me: User }) {
  const [{ data, error }, refetch] = useQuery({ query: USERS });
  const [{ fetching: creating }, create] = useMutation(CREATE);
  const [, update] = useMutation(UPDATE);
  const [form, setForm] = useState<NewUserForm>(EMPTY);
  const [problem, setProblem] = useState<{ field: keyof NewUserForm | ''; error: string } | null>(null);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const c = checkNewUser(form);
    if (!c.ok) return setProblem({ field: c.field, error: c.error });
    setProblem(null);
    const res = await create({ input: c.input });
    if (res.error) return setProblem({ field: '', error: errorMessage(res.error) });
    setNotice(`Added ${c.input.name} (${c.input.email}) as ${c.input.role.toLowerCase()}. Give them their password; they sign in with their email.`);
    setForm(EMPTY);
    refetch({ requestPolicy: 'network-only' });
  }
  async function change(u: Account, patch: { role?: Role; disabled?: boolean; password?: string }, done: string) {
    setFailure('');
    setNotice('');
    const res = await update({ input: { id: u.id, ...patch } });
    if (res.error) {
      setFailure(errorMessage(res.error));
    } else {
      setNotice(done);
    }
    refetch({ requestPolicy: 'network-only' });
  }
  const field = (k: keyof NewUserForm) => ({
    'aria-invalid': problem?.field === k,
    'aria-describedby': problem?.field === k ? `user-${k}-error` : undefined,
  });
  const fieldError = (k: keyof NewUserForm) =>
    problem?.field === k ? (
      <p id={`user-${k}-error`} className="field-error" role="alert">
        {problem.error}
      </p>
    ) : null;

  return (
    <section>
      <h2>Users</h2>
      <ul className="muted roles">
        {ROLES.map((r) => (
          <li key={r.value}>
            <strong>{r.label}</strong>: {r.can}
          </li>
        ))}
      </ul>
      <Alert kind="notice">{notice}</Alert>
      <Alert>{failure}</Alert>
      {error && !data && <p className="error">{errorMessage(error)}</p>}
      {data && (
        <table aria-label="Users">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Account</th>
              <th>New password</th>
            </tr>
          </thead>
          <tbody>
            {data.users.map((u) => (
              <tr key={u.id} data-testid="user-row">
                <td>
                  {u.name}
                  {u.id === me.id && <span className="muted"> (you)</span>}
                </td>
                <td>{u.email}</td>
                <td>
                  <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => change(u, { role: e.target.value as Role }, `${u.email} is now ${e.target.value.toLowerCase()}.`)}>
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {u.disabled ? 'disabled' : 'active'}{' '}
                  <button className="secondary" onClick={() => change(u, { disabled: !u.disabled }, `${u.email} is ${u.disabled ? 'enabled' : 'disabled'}.`)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
                <td>
                  <PasswordReset user={u} onSet={(password) => change(u, { password }, `New password set for ${u.email}; their sessions have ended.`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Add a user</h3>
      <form className="new-user" onSubmit={submit} noValidate>
        <div className="field-row">
          <div className="field">
            <label htmlFor="user-email">Email</label>
            <input id="user-email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} {...field('email')} />
            {fieldError('email')}
          </div>
          <div className="field">
            <label htmlFor="user-name">Name</label>
            <input id="user-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} {...field('name')} />
            {fieldError('name')}
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="user-role">Role</label>
            <select id="user-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="user-password">First password</label>
            <input id="user-password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} {...field('password')} />
            {fieldError('password')}
          </div>
        </div>
        <button type="submit" disabled={creating}>
          Add user
        </button>
        {problem?.field === '' && <Alert>{problem.error}</Alert>}
      </form>
    </section>
  );
}

/** PasswordReset is a password field and a button, per user. */
function PasswordReset({ user, onSet }: { user: Account; onSet: (password: string) => void }) {
  const [password, setPassword] = useState('');
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (password === '') return;
        onSet(password);
        setPassword('');
      }}
    >
      <input type="password" autoComplete="new-password" aria-label={`New password for ${user.email}`} value={password} onChange={(e) => setPassword(e.target.value)} />
      <button className="secondary" type="submit" disabled={password === ''}>
        Set
      </button>
    </form>
  );
}
