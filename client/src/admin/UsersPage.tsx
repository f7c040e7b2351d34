// Admin > Users: search and page through accounts; edit name and role, disable and
// re-enable, set a temporary password; create new users.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { CreateUserForm } from '../components/CreateUserForm.js';
import type { Notice } from '../components/forms.js';
import { Link } from '../components/Link.js';
import { ListState } from '../components/ListState.js';
import { ROLE_LABEL, ROLE_OPTIONS } from '../components/people.js';
import { SelectField } from '../components/SelectField.js';
import type { User, UserRole } from '../types.js';
import { listUsers, temporaryPassword, updateUser } from './adminApi.js';
import './admin.css';

const PAGE = 20;

function UserEditor({ user, onSaved, onClose }: { user: User; onSaved: (u: User) => void; onClose: () => void }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<UserRole>(user.role);
  const [msg, setMsg] = useState<Notice | null>(null);
  const [temp, setTemp] = useState<string | null>(null);
  const run = async (body: Parameters<typeof updateUser>[1], ok: string) => {
    setMsg(null);
    try {
      const u = await updateUser(user.id, body);
      onSaved(u);
      setMsg({ tone: 'success', text: ok });
      return true;
    } catch (err) {
      setMsg({ tone: 'error', text: errorMessage(err) });
      return false;
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return setMsg({ tone: 'error', text: 'Enter a name.' });
    void run({ name: name.trim(), role }, 'Saved.');
  };
  const setTemporary = async () => {
    const pw = temporaryPassword();
    if (await run({ password: pw }, 'Temporary password set. Give it to the user; they can change it under Your account.')) setTemp(pw);
  };
  return (
    <form class="user-editor stack" onSubmit={save} aria-label={`Edit ${user.name}`}>
      <div class="field-row">
        <div class="field">
          <label for={`ed-name-${user.id}`}>Name</label>
          <input id={`ed-name-${user.id}`} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <SelectField id={`ed-role-${user.id}`} label="Role" value={role} onValue={setRole} options={ROLE_OPTIONS} />
      </div>
      <div class="inline-row wrap">
        <button type="submit" class="btn btn-primary">
          Save
        </button>
        <button type="button" class="btn" onClick={() => void setTemporary()}>
          Set temporary password
        </button>
        <button type="button" class={`btn ${user.disabled ? '' : 'btn-danger-outline'}`} onClick={() => void run({ disabled: !user.disabled }, user.disabled ? 'Account enabled.' : 'Account disabled: they can no longer sign in.')}>
          {user.disabled ? 'Enable account' : 'Disable account'}
        </button>
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          Close
        </button>
      </div>
      {temp && (
        <p class="temp-password">
          Temporary password: <code data-testid="temp-password">{temp}</code>
        </p>
      )}
      {msg && <Alert tone={msg.tone}>{msg.text}</Alert>}
    </form>
  );
}

export function UsersPage() {
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<UserRole | ''>('');
  const [page, setPage] = useState(0);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    listUsers({ q: query, role, limit: PAGE + 1, offset: page * PAGE })
      .then((list) => live && setUsers(list))
      .catch((err: unknown) => live && setError(`Could not load users: ${errorMessage(err)}`));
    return () => {
      live = false;
    };
  }, [query, role, page, reload]);

  const shown = (users ?? []).slice(0, PAGE);
  const more = (users?.length ?? 0) > PAGE;
  const saved = (u: User) => setUsers((list) => (list ?? []).map((x) => (x.id === u.id ? u : x)));

  return (
    <>
      <div class="page-head">
        <h1>Users</h1>
        <p class="muted">
          Find people, change their name or role, disable accounts and hand out temporary passwords. Notifications that could not be delivered are in the{' '}
          <Link href="/admin/outbox">notification outbox</Link>.
        </p>
      </div>
      <div class="admin-users">
        <section class="card" aria-labelledby="users-heading">
          <h2 id="users-heading">Accounts</h2>
          <form
            class="inline-row wrap admin-filter"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setPage(0);
              setQuery(q.trim());
            }}
          >
            <div class="field grow">
              <label for="user-search">Search by name or email</label>
              <input id="user-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            </div>
            <SelectField
              id="user-role-filter"
              label="Role"
              value={role}
              onValue={(r) => {
                setPage(0);
                setRole(r);
              }}
              blank="All roles"
              options={ROLE_OPTIONS}
            />
            <button type="submit" class="btn">
              Search
            </button>
          </form>
          <ListState error={error} loading={users === null && 'Loading users…'} empty={shown.length === 0 && 'No user matches.'}>
            <ul class="user-list">
              {shown.map((u) => (
                <li key={u.id} class={u.disabled ? 'is-disabled' : ''}>
                  <div class="user-line">
                    <div>
                      <strong>{u.name}</strong> <span class="muted small">{u.email}</span>
                    </div>
                    <div class="inline-row">
                      <span class="badge">{ROLE_LABEL[u.role]}</span>
                      {u.disabled && <span class="badge badge-muted">Disabled</span>}
                      <button type="button" class="btn btn-small" aria-expanded={editing === u.id} onClick={() => setEditing(editing === u.id ? null : u.id)}>
                        Edit<span class="visually-hidden"> {u.name}</span>
                      </button>
                    </div>
                  </div>
                  {editing === u.id && <UserEditor user={u} onSaved={saved} onClose={() => setEditing(null)} />}
                </li>
              ))}
            </ul>
          </ListState>
          <nav class="pager" aria-label="Pages of users">
            <button type="button" class="btn btn-small" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span class="muted small" aria-live="polite">
              Page {page + 1}
            </span>
            <button type="button" class="btn btn-small" disabled={!more} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
        </section>
        <section class="card">
          <CreateUserForm onCreated={() => setReload((n) => n + 1)} />
        </section>
      </div>
    </>
  );
}
