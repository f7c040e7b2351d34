import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { RsvpControl } from '../rsvp/RsvpControl.js';
import { JoinCodeForm } from '../components/JoinCodeForm.js';
import { enterRoom } from '../enterRoom.js';
import { bucketOf } from '../sessions.js';
import { formatWhen } from '../time.js';
import type { Session, User } from '../types.js';
import { useSessions } from '../useSessions.js';

function DashboardItem({ session, user }: { session: Session; user: User }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = session.status === 'live';
  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      await enterRoom(session.id, user.name);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const titleId = `dash-${session.id}`;
  return (
    <li class={`session-item ${live ? 'is-live' : ''}`} aria-labelledby={titleId}>
      <div class="session-main">
        <h3 id={titleId} class="session-title">
          {session.title}
        </h3>
        <p class="session-meta">
          {live ? <span class="badge badge-live">Live</span> : <span class="badge badge-scheduled">Scheduled</span>}
          <span>{formatWhen(session.scheduledAt, session.timezone)}</span>
          <span class="sep">{session.durationMinutes} min</span>
          {session.hostName && <span class="sep">with {session.hostName}</span>}
        </p>
      </div>
      <div class="session-actions">
        <button type="button" class="btn btn-primary" onClick={join} disabled={busy || !live} aria-describedby={live ? undefined : `${titleId}-hint`}>
          {busy ? 'Joining…' : 'Join'}
        </button>
        {!live && (
          <span id={`${titleId}-hint`} class="muted small">
            Opens when the host starts it
          </span>
        )}
      </div>
      {!live && <RsvpControl sessionId={session.id} title={session.title} />}
      {error && <Alert tone="error">{error}</Alert>}
    </li>
  );
}

export function StudentDashboard({ user }: { user: User }) {
  const { sessions, loading, error, reload } = useSessions();
  // A session went live or ended (live notification arrived or was withdrawn): refresh the list.
  useEffect(() => {
    const onNote = () => void reload();
    window.addEventListener('lectern:notification', onNote);
    return () => window.removeEventListener('lectern:notification', onNote);
  }, [reload]);
  const upcoming = sessions
    .filter((s) => bucketOf(s) !== 'past')
    .sort((a, b) => (a.status === 'live' ? -1 : 0) - (b.status === 'live' ? -1 : 0) || a.scheduledAt.localeCompare(b.scheduledAt));
  return (
    <>
      <div class="page-head">
        <h1>Dashboard</h1>
        <p class="muted">Your upcoming sessions. Join when the host has started.</p>
      </div>
      <div class="hub">
        <section class="card hub-main" aria-labelledby="dash-upcoming">
          <h2 id="dash-upcoming">Upcoming sessions</h2>
          {error && <Alert tone="error">{error}</Alert>}
          {loading ? (
            <p class="muted" role="status">
              Loading sessions…
            </p>
          ) : upcoming.length === 0 ? (
            <p class="muted">Nothing scheduled for you right now.</p>
          ) : (
            <ul class="session-list">
              {upcoming.map((s) => (
                <DashboardItem key={s.id} session={s} user={user} />
              ))}
            </ul>
          )}
        </section>
        <aside class="hub-side card">
          <JoinCodeForm />
        </aside>
      </div>
    </>
  );
}
