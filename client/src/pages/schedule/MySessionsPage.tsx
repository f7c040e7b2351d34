// Student view: upcoming sessions with a Join button that opens shortly before the start.
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { useStore } from '../../store.js';
import { CalendarFeed } from './CalendarFeed.js';
import { CalendarView } from './CalendarView.js';
import { SessionRows, useNow } from './SessionRow.js';
import { JOIN_OPENS_MINUTES } from './sessionWindows.js';
import { split, useScheduled } from './useScheduled.js';
import './schedule.css';

export function MySessionsPage() {
  const { user } = useStore(authStore);
  const { sessions, loading, error } = useScheduled({}, 30);
  const now = useNow();
  if (!user) return null;
  const { live, upcoming } = split(sessions, now);
  const next = [...live, ...upcoming];
  return (
    <>
      <div class="page-head">
        <h1>My sessions</h1>
        <p class="muted">Your upcoming sessions. Join opens {JOIN_OPENS_MINUTES} minutes before the start.</p>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      <div class="hub">
        <section class="card hub-main" aria-labelledby="my-upcoming">
          <h2 id="my-upcoming">Upcoming sessions</h2>
          {loading ? (
            <p class="muted" role="status">
              Loading sessions…
            </p>
          ) : (
            <SessionRows sessions={next.slice(0, 30)} now={now} empty="Nothing scheduled for you right now." displayName={user.name} />
          )}
        </section>
        <aside class="hub-side stack">
          <CalendarFeed />
        </aside>
      </div>
      <CalendarView sessions={sessions} />
    </>
  );
}
