import { useSessions } from '../useSessions.js';
import type { User } from '../types.js';
import { Alert } from './Alert.js';
import { InstantSessionButton } from './InstantSessionButton.js';
import { ScheduleForm } from './ScheduleForm.js';
import { SessionList } from './SessionList.js';

/** The teacher hub body: instant session, my sessions, scheduling. Shared by teachers and admins. */
export function HubContent({ user }: { user: User }) {
  const { sessions, loading, error, upsert } = useSessions();
  return (
    <div class="hub">
      <div class="hub-main stack">
        <InstantSessionButton user={user} />
        {error && <Alert tone="error">{error}</Alert>}
        {loading ? (
          <p class="muted" role="status">
            Loading sessions…
          </p>
        ) : (
          <SessionList sessions={sessions} userName={user.name} onChange={upsert} />
        )}
      </div>
      <aside class="hub-side">
        <ScheduleForm onCreated={upsert} />
      </aside>
    </div>
  );
}
