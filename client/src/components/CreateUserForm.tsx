import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { User, UserRole } from '../types.js';
import { Field } from './Field.js';
import { SubmitRow, useSubmit } from './forms.js';
import { ROLE_LABEL, ROLE_OPTIONS } from './people.js';
import { SelectField } from './SelectField.js';

/** POST /api/users { email, name, password, role }. */
export function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('student');
  const { busy, notice, run, fail, clear } = useSubmit();

  const onSubmit = (e: Event) => {
    e.preventDefault();
    clear();
    if (!name.trim() || !email.trim()) return fail('Enter a name and an email address.');
    if (password.length < 10) return fail('The password must be at least 10 characters.');
    void run(async () => {
      const user = await api.post<User>('/api/users', { email: email.trim(), name: name.trim(), password, role });
      onCreated(user);
      setName('');
      setEmail('');
      setPassword('');
      return `Created ${user.name} (${ROLE_LABEL[user.role]}).`;
    }, 'Could not create the user');
  };

  return (
    <form class="stack" onSubmit={onSubmit} noValidate aria-labelledby="new-user-heading">
      <h3 id="new-user-heading">Create a user</h3>
      <Field id="u-name" label="Name" autocomplete="off" value={name} onValue={setName} />
      <Field id="u-email" label="Email" type="email" autocomplete="off" value={email} onValue={setEmail} />
      <Field id="u-password" label="Initial password" type="password" autocomplete="new-password" minLength={10} hint="At least 10 characters." value={password} onValue={setPassword} />
      <SelectField id="u-role" label="Role" value={role} onValue={setRole} options={ROLE_OPTIONS} />
      <SubmitRow notice={notice} busy={busy} label="Create user" busyLabel="Creating…" />
    </form>
  );
}
