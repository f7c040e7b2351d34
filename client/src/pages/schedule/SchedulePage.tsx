// Teacher hub for planning: quick actions, live now, calendar (week/month), upcoming and past.
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { InstantSessionButton } from '../../components/InstantSessionButton.js';
import { linkClick } from '../../router.js';
import { useStore } from '../../store.js';
import { CalendarFeed } from './CalendarFeed.js';
import { CalendarView } from './CalendarView.js';
import { SessionRows, useNow } from './SessionRow.js';
import { split, useScheduled } from './useScheduled.js';
import './schedule.css';

export function SchedulePage() {
  const { user } = useStore(authStore);
  const { sessions, loading, error } = useScheduled();
  const now = useNow();
  if (!user) return null;
  const { live, upcoming, past } = split(sessions, now);
  return (
    <>
      <div class="page-head">
        <h1>Schedule</h1>
        <p class="muted">Plan sessions, see what is live, and open your rooms.</p>
      </div>
      <div class="quick-actions card">
        <InstantSessionButton user={user} />
        <a class="btn btn-secondary btn-large" href="/schedule/new" onClick={(e) => linkClick(e, '/schedule/new')}>
          Schedule a session
        </a>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {loading && (
        <p class="muted" role="status">
          Loading sessions…
        </p>
      )}
      {live.length > 0 && (
        <section class="card" aria-labelledby="live-heading">
          <h2 id="live-heading">Live now</h2>
          <SessionRows sessions={live} now={now} empty="" host displayName={user.name} />
        </section>
      )}
      <CalendarView sessions={sessions} />
      <div class="hub">
        <section class="card hub-main" aria-labelledby="upcoming-heading">
          <h2 id="upcoming-heading">Upcoming</h2>
          <SessionRows sessions={upcoming.slice(0, 20)} now={now} empty="Nothing scheduled." host displayName={user.name} />
        </section>
        <aside class="hub-side stack">
          <CalendarFeed />
          <section class="card" aria-labelledby="past-heading">
            <h2 id="past-heading">Past</h2>
            <SessionRows sessions={past.slice(0, 15)} now={now} empty="No past sessions yet." displayName={user.name} host />
          </section>
        </aside>
      </div>
    </>
  );
}
