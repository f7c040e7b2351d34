import { useState } from 'preact/hooks';
import { api, errorMessage } from '../api.js';
import { USER_ROLES, type User, type UserRole } from '../types.js';
import { Alert } from './Alert.js';
import { Field } from './Field.js';
import { ROLE_LABEL } from './people.js';
import { SelectField } from './SelectField.js';

/** POST /api/users { email, name, password, role }. */
export function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('student');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!name.trim() || !email.trim()) {
      setError('Enter a name and an email address.');
      return;
    }
    if (password.length < 10) {
      setError('The password must be at least 10 characters.');
      return;
    }
    setBusy(true);
    try {
      const user = await api.post<User>('/api/users', { email: email.trim(), name: name.trim(), password, role });
      onCreated(user);
      setDone(`Created ${user.name} (${ROLE_LABEL[user.role]}).`);
      setName('');
      setEmail('');
      setPassword('');
    } catch (err) {
      setError(`Could not create the user: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={onSubmit} noValidate aria-labelledby="new-user-heading">
      <h3 id="new-user-heading">Create a user</h3>
      <Field id="u-name" label="Name" autocomplete="off" value={name} onValue={setName} />
      <Field id="u-email" label="Email" type="email" autocomplete="off" value={email} onValue={setEmail} />
      <Field id="u-password" label="Initial password" type="password" autocomplete="new-password" minLength={10} hint="At least 10 characters." value={password} onValue={setPassword} />
      <SelectField id="u-role" label="Role" value={role} onValue={setRole} options={USER_ROLES.map((r) => [r, ROLE_LABEL[r]] as const)} />
      {error && <Alert tone="error">{error}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      <div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}
