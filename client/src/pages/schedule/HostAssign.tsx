// Admin: assign or reassign the host of a session (mentor assignment), for one occurrence or the series.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import type { User } from '../../types.js';
import { ScopeSelect } from './ScopeSelect.js';
import { schedule, type FullSession, type Scope } from './scheduleApi.js';

export function HostAssign({ session, onChange }: { session: FullSession; onChange: () => void }) {
  const [staff, setStaff] = useState<User[]>([]);
  const [hostId, setHostId] = useState(session.hostId);
  const [scope, setScope] = useState<Scope>('one');
  const [msg, setMsg] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  useEffect(() => {
    schedule.users().then((us) => setStaff(us.filter((u) => (u.role === 'mentor' || u.role === 'teacher') && !u.disabled)), () => setStaff([]));
  }, []);
  if (session.status === 'completed' || session.status === 'cancelled') return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await schedule.assignHost(session.id, hostId, scope);
      setMsg({ tone: 'success', text: `Host set on ${r.affected} session(s).` });
      onChange();
    } catch (err) {
      setMsg({ tone: 'error', text: errorMessage(err) });
    }
  };
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="host-heading">
      <h2 id="host-heading">Host</h2>
      <label class="field">
        Assign a mentor or teacher
        <select value={hostId} onChange={(e) => setHostId(e.currentTarget.value)}>
          {!staff.some((u) => u.id === session.hostId) && <option value={session.hostId}>{session.hostName ?? 'Current host'}</option>}
          {staff.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.role})
            </option>
          ))}
        </select>
      </label>
      {session.seriesId && <ScopeSelect value={scope} onChange={setScope} />}
      <div>
        <button type="submit" class="btn btn-small btn-secondary" disabled={hostId === session.hostId}>
          Assign host
        </button>
      </div>
      {msg && <Alert tone={msg.tone}>{msg.text}</Alert>}
    </form>
  );
}
