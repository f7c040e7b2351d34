import { useEffect, useState } from 'preact/hooks';
import { api, asList, errorMessage } from '../api.js';
import { CreateUserForm } from '../components/CreateUserForm.js';
import { HubContent } from '../components/HubContent.js';
import { ListState } from '../components/ListState.js';
import { UserTable } from '../components/UserTable.js';
import type { User } from '../types.js';

export function AdminPage({ user }: { user: User }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get('/api/users?limit=500')
      .then((data) => setUsers(asList<User>(data, 'users')))
      .catch((err: unknown) => setError(`Could not load users: ${errorMessage(err)}`));
  }, []);

  const added = (u: User) => setUsers((list) => [...(list ?? []), u].sort((a, b) => a.name.localeCompare(b.name)));

  return (
    <>
      <div class="page-head">
        <h1>Admin</h1>
        <p class="muted">Manage users, and run sessions like a teacher.</p>
      </div>
      <section class="card" aria-labelledby="users-heading">
        <h2 id="users-heading">
          Users {users && <span class="count">{users.length}</span>}
        </h2>
        <div class="admin-users">
          <div>
            <ListState error={error} loading={users === null && 'Loading users…'}>
              <UserTable users={users ?? []} />
            </ListState>
          </div>
          <CreateUserForm onCreated={added} />
        </div>
      </section>
      <h2 class="section-title">Sessions</h2>
      <HubContent user={user} />
    </>
  );
}
