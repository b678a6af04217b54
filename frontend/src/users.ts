// Pure logic of the users page: what an admin typed for a new user.

export type Role = 'VIEWER' | 'SCIENTIST' | 'ADMIN';

export const ROLES: { value: Role; label: string; can: string }[] = [
  { value: 'VIEWER', label: 'Viewer', can: 'sees everything, changes nothing' },
  { value: 'SCIENTIST', label: 'Scientist', can: 'labels, selects, imports' },
  { value: 'ADMIN', label: 'Admin', can: 'also models, retraining and users' },
];

export interface NewUserForm {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export type CheckedUser =
  | { ok: true; input: NewUserForm }
  | { ok: false; field: keyof NewUserForm; error: string };

/** MIN_PASSWORD is the server's rule (auth.CheckPassword): at least 8 characters. */
export const MIN_PASSWORD = 8;

/**
 * checkNewUser checks a new user's fields as the server will, naming the
 * field: an email address, a name, a password of at least 8 characters
 * (counted as characters, not bytes).
 */
export function checkNewUser(f: NewUserForm): CheckedUser {
  const email = f.email.trim();
  const name = f.name.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return { ok: false, field: 'email', error: 'Enter an email address, e.g. ada@example.org.' };
  if (name === '') return { ok: false, field: 'name', error: 'Enter the name colleagues know them by.' };
  if ([...f.password].length < MIN_PASSWORD) {
    return { ok: false, field: 'password', error: `A password has at least ${MIN_PASSWORD} characters.` };
  }
  return { ok: true, input: { email, name, role: f.role, password: f.password } };
}
