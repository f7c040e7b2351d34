import type { User } from '../types.js';
import { TableHead } from './TableHead.js';

export function UserTable({ users }: { users: User[] }) {
  if (users.length === 0) return <p class="muted">No users yet.</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">Users</caption>
        <TableHead cols={['Name', 'Email', 'Role', 'Time zone']} />
        <tbody>
          {users.map((u) => (
            <tr key={u.id} class={u.disabled ? 'is-disabled' : ''}>
              <td>
                {u.name}
                {u.disabled && <span class="badge badge-cancelled">Disabled</span>}
              </td>
              <td>{u.email}</td>
              <td class="cap">{u.role}</td>
              <td>{u.timezone}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
