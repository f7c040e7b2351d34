// A session's page: details, time in the viewer's and the session's zone, invitees, materials,
// .ics download, and for its host: start/open (from 15 minutes before), edit, cancel, history;
// once held, links to its attendance and recordings.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { download, errorMessage } from '../../api.js';
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { safeHttpUrl } from '../../safeUrl.js';
import { HeldLinks } from '../../components/HeldLinks.js';
import { enterRoom } from '../../enterRoom.js';
import type { Params } from '../../router.js';
import { startSession } from '../../sessions.js';
import { RecordingsSection } from '../../recordings/RecordingsSection.js';
import { useStore } from '../../store.js';
import { describeRRule } from './recurrenceRule.js';
import { schedule, type FullSession, type HistoryEntry, type Invitee } from './scheduleApi.js';
import { EditSession } from './EditSession.js';
import { HostAssign } from './HostAssign.js';
import { SessionChanges } from './SessionChanges.js';
import { SessionHistory } from './SessionHistory.js';
import { RsvpControl } from '../../rsvp/RsvpControl.js';
import { SessionMaterials } from './SessionMaterials.js';
import { StatusBadge, useNow, When } from './SessionRow.js';
import { JOIN_OPENS_MINUTES, joinOpen, START_OPENS_MINUTES, startOpen } from './sessionWindows.js';
import './schedule.css';

const label = (s: string) => s.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

export function SessionPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { user } = useStore(authStore);
  const now = useNow();
  const [session, setSession] = useState<FullSession | null>(null);
  const [invitees, setInvitees] = useState<Invitee[] | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const isEditor = Boolean(user && session && (user.role === 'admin' || (user.role !== 'student' && session.hostId === user.id)));

  const load = useCallback(async () => {
    try {
      const s = await schedule.get(id);
      setSession(s);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [id]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (!isEditor) return;
    schedule.invitees(id).then(setInvitees, () => setInvitees(null));
    schedule.history(id).then(setHistory, () => setHistory([]));
  }, [id, isEditor, session?.sequence]);

  if (error) return <Alert tone="error">{error}</Alert>;
  if (!session || !user) return <p class="muted" role="status">Loading…</p>;

  const open = async (start: boolean) => {
    setBusy(true);
    try {
      if (start && session.status === 'scheduled') await startSession(session.id);
      await enterRoom(session.id, user.name);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const canJoin = joinOpen(session, now);
  const canStart = startOpen(session, now);

  return (
    <>
      <div class="page-head">
        <h1>{session.title}</h1>
        <p class="session-meta">
          <StatusBadge status={session.status} />
          <When s={session} />
          <span class="sep">{session.durationMinutes} min</span>
          {session.hostName && <span class="sep">with {session.hostName}</span>}
        </p>
        <RsvpControl sessionId={session.id} title={session.title} showCounts={isEditor} />
      </div>
      <div class="hub">
        <div class="hub-main stack">
          {editing && invitees ? (
            <EditSession
              session={session}
              invitees={invitees}
              onClose={() => setEditing(false)}
              onSaved={(message) => {
                setEditing(false);
                setSaved(message);
                void load();
              }}
            />
          ) : (
            <section class="card stack" aria-labelledby="details-heading">
              <h2 id="details-heading">Details</h2>
              {saved && <Alert tone="success">{saved}</Alert>}
              {session.status === 'cancelled' && <Alert tone="warn">Cancelled{session.cancelReason ? `: ${session.cancelReason}` : ''}</Alert>}
              {session.description && <p class="pre">{session.description}</p>}
              <dl class="details">
                <dt>Type</dt>
                <dd>{label(session.type)}</dd>
                <dt>Mode</dt>
                <dd>{label(session.mode)}</dd>
                <dt>Session time zone</dt>
                <dd>{session.timezone.replaceAll('_', ' ')}</dd>
                {session.recurrence && (
                  <>
                    <dt>Repeats</dt>
                    <dd>{describeRRule(session.recurrence)}</dd>
                  </>
                )}
                <dt>Guest access</dt>
                <dd>{session.guestAccess === 'open' ? 'Open' : 'Lobby'}</dd>
                <dt>Webinar mode</dt>
                <dd>{session.webinarMode ? 'On: only hosts and presenters speak and show video' : 'Off'}</dd>
                {session.participantLimit !== null && (
                  <>
                    <dt>Participant limit</dt>
                    <dd>{session.participantLimit}</dd>
                  </>
                )}
                <dt>Price</dt>
                <dd>{session.priceCents ? `${(session.priceCents / 100).toFixed(2)} ${session.currency}` : 'Free'}</dd>
                {session.meetingUrl && (
                  <>
                    <dt>Meeting link</dt>
                    <dd>
                      <a href={safeHttpUrl(session.meetingUrl)} target="_blank" rel="noopener noreferrer">
                        {session.meetingUrl}
                      </a>
                    </dd>
                  </>
                )}
              </dl>
              <div class="inline-row details-actions">
                {(session.status === 'scheduled' || session.status === 'live') &&
                  (isEditor ? (
                    <button type="button" class="btn btn-primary" disabled={busy || !canStart} aria-describedby={canStart ? undefined : 'start-hint'} onClick={() => void open(true)}>
                      {session.status === 'live' ? 'Open room' : 'Start now'}
                    </button>
                  ) : (
                    <button type="button" class="btn btn-primary" disabled={busy || !canJoin} onClick={() => void open(false)}>
                      Join
                    </button>
                  ))}
                {isEditor && session.status === 'scheduled' && !canStart && (
                  <span id="start-hint" class="muted small">
                    You can start it from {START_OPENS_MINUTES} min before
                  </span>
                )}
                {isEditor && session.status === 'scheduled' && (
                  <button type="button" class="btn btn-secondary" disabled={!invitees} onClick={() => (setSaved(null), setEditing(true))}>
                    Edit
                  </button>
                )}
                {!isEditor && !canJoin && session.status === 'scheduled' && <span class="muted small">Join opens {JOIN_OPENS_MINUTES} min before start</span>}
                <button type="button" class="btn btn-secondary" onClick={() => void download(`/api/sessions/${session.id}/ics`, `${session.title}.ics`).catch((err: unknown) => setError(errorMessage(err)))}>
                  Add to calendar (.ics)
                </button>
              </div>
              <HeldLinks s={session} attendance={isEditor} />
            </section>
          )}
          <SessionMaterials session={session} canEdit={isEditor} onChange={setSession} />
          <RecordingsSection sessionId={session.id} canManage={isEditor} />
        </div>
        <aside class="hub-side stack">
          {isEditor && <SessionChanges session={session} onChange={() => void load()} />}
          {user.role === 'admin' && <HostAssign session={session} onChange={() => void load()} />}
          {isEditor && invitees && (
            <section class="card" aria-labelledby="inv-heading">
              <h2 id="inv-heading">Invitees ({invitees.length})</h2>
              {invitees.length === 0 ? (
                <p class="muted">{session.courseId ? 'Everyone enrolled in the course is invited.' : 'Nobody invited yet.'}</p>
              ) : (
                <ul class="plain-list">
                  {invitees.map((i) => (
                    <li key={i.id}>
                      {i.name} <span class="muted small">{i.email}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {isEditor && <SessionHistory history={history} />}
        </aside>
      </div>
    </>
  );
}
