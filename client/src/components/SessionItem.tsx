import { useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { enterRoom } from '../enterRoom.js';
import { bucketOf, createCode, endSession, startSession } from '../sessions.js';
import { formatWhen } from '../time.js';
import type { JoinCode, Session } from '../types.js';
import { Alert } from './Alert.js';
import { EndSessionDialog } from './EndSessionDialog.js';
import { HeldLinks } from './HeldLinks.js';
import { JoinCodeBox } from './JoinCodeBox.js';
import { Link } from './Link.js';

interface SessionItemProps {
  session: Session;
  userName: string;
  onChange: (session: Session) => void;
}

const STATUS_LABEL: Record<Session['status'], string> = {
  scheduled: 'Scheduled',
  live: 'Live',
  completed: 'Ended',
  cancelled: 'Cancelled',
};

/** "Start" is offered from this long before the scheduled start. */
const START_EARLY_MS = 15 * 60_000;

/** One session in the teacher hub with its actions. */
export function SessionItem({ session, userName, onChange }: SessionItemProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<JoinCode | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const bucket = bucketOf(session);
  const live = session.status === 'live';
  const titleId = `session-${session.id}-title`;

  const run = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const start = () =>
    run('start', async () => {
      const s = await startSession(session.id);
      onChange(s ?? { ...session, status: 'live' });
    });
  const end = () =>
    run('end', async () => {
      const s = await endSession(session.id);
      onChange(s ?? { ...session, status: 'completed' });
      setCode(null);
    });
  const open = () => run('open', () => enterRoom(session.id, userName));
  const makeCode = () =>
    run('code', async () => {
      setCode(await createCode(session.id));
    });

  return (
    <li class={`session-item ${live ? 'is-live' : ''}`} aria-labelledby={titleId}>
      <div class="session-main">
        <h3 id={titleId} class="session-title">
          <Link href={`/sessions/${session.id}`}>{session.title}</Link>
        </h3>
        <p class="session-meta">
          <span class={`badge badge-${session.status}`}>{STATUS_LABEL[session.status]}</span>
          <span>{formatWhen(session.scheduledAt, session.timezone)}</span>
          <span class="sep">{session.durationMinutes} min</span>
          <span class="sep">{session.guestAccess === 'open' ? 'Guests enter directly' : 'Guests wait in the lobby'}</span>
        </p>
      </div>
      <HeldLinks s={session} attendance />
      {bucket !== 'past' && (
        <div class="session-actions">
          {session.status === 'scheduled' &&
            (Date.parse(session.scheduledAt) - Date.now() <= START_EARLY_MS ? (
              <button type="button" class="btn btn-primary" onClick={start} disabled={busy !== null}>
                {busy === 'start' ? 'Starting…' : 'Start'}
              </button>
            ) : (
              <span class="muted small">You can start it from 15 minutes before.</span>
            ))}
          {live && (
            <button type="button" class="btn btn-primary" onClick={open} disabled={busy !== null}>
              {busy === 'open' ? 'Opening…' : 'Open room'}
            </button>
          )}
          <button type="button" class="btn btn-secondary" onClick={makeCode} disabled={busy !== null}>
            {busy === 'code' ? 'Creating…' : 'Create join code'}
          </button>
          {live && (
            <button type="button" class="btn btn-danger-outline" aria-haspopup="dialog" onClick={() => setConfirmEnd(true)} disabled={busy !== null}>
              {busy === 'end' ? 'Ending…' : 'End'}
            </button>
          )}
        </div>
      )}
      {error && <Alert tone="error">{error}</Alert>}
      {code && <JoinCodeBox code={code} />}
      {confirmEnd && (
        <EndSessionDialog title={`End “${session.title}” for everyone?`} onClose={() => setConfirmEnd(false)} onEnd={end}>
          Everyone in the room is disconnected, join links stop working and attendance is closed.
        </EndSessionDialog>
      )}
    </li>
  );
}
