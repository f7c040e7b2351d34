// One session in a list: title (links to its page), time in the viewer's zone with the session's
// zone indicated, status, host, and a Join/Open button that opens 10 minutes before the start
// (Start for its host from 15 minutes before); a held session links to its attendance and recording.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import { enterRoom } from '../../enterRoom.js';
import { HeldLinks } from '../../components/HeldLinks.js';
import { linkClick } from '../../router.js';
import { startSession } from '../../sessions.js';
import type { FullSession } from './scheduleApi.js';
import { JOIN_OPENS_MINUTES, joinOpen, START_OPENS_MINUTES, startOpen } from './sessionWindows.js';
import { whenForViewer } from './zoned.js';

/** Re-renders every 20 s so buttons open on time. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 20_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function StatusBadge({ status }: { status: FullSession['status'] }) {
  const label = { scheduled: 'Scheduled', live: 'Live', completed: 'Completed', cancelled: 'Cancelled' }[status];
  return <span class={`badge badge-${status}`}>{label}</span>;
}

export function When({ s }: { s: FullSession }) {
  const w = whenForViewer(s.scheduledAt, s.timezone);
  return (
    <span class="when">
      <time dateTime={s.scheduledAt}>{w.main}</time>
      {w.sessionLocal && <span class="muted small"> · {w.sessionLocal}</span>}
    </span>
  );
}

/** `host`: the viewer runs this session, so the button starts it (if need be) and opens the room at any time. */
export function SessionRow({ s, now, host = false, displayName, showHost = true }: { s: FullSession; now: number; host?: boolean; displayName: string; showHost?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const href = `/sessions/${s.id}`;
  const open = host ? startOpen(s, now) : joinOpen(s, now);
  const joinLabel = host ? (s.status === 'live' ? 'Open room' : 'Start now') : 'Join';
  const titleId = `row-${s.id}`;
  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      if (host && s.status === 'scheduled') await startSession(s.id);
      await enterRoom(s.id, displayName);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <li class={`session-item ${s.status === 'live' ? 'is-live' : ''}`} aria-labelledby={titleId} data-session-id={s.id}>
      <div class="session-main">
        <h3 id={titleId} class="session-title">
          <a href={href} onClick={(e) => linkClick(e, href)}>
            {s.title}
          </a>
        </h3>
        <p class="session-meta">
          <StatusBadge status={s.status} />
          <When s={s} />
          <span class="sep">{s.durationMinutes} min</span>
          {showHost && s.hostName && <span class="sep">with {s.hostName}</span>}
          {s.seriesId && <span class="sep">recurring</span>}
          {s.priceCents > 0 && <span class="sep">{`${(s.priceCents / 100).toFixed(2)} ${s.currency}`}</span>}
        </p>
        {s.status === 'cancelled' && s.cancelReason && <p class="muted small">Cancelled: {s.cancelReason}</p>}
        <HeldLinks s={s} attendance={host} />
      </div>
      {(s.status === 'scheduled' || s.status === 'live') && (
        <div class="session-actions">
          <button type="button" class="btn btn-primary" onClick={join} disabled={busy || !open} aria-describedby={open ? undefined : `${titleId}-hint`}>
            {busy ? 'Opening…' : joinLabel}
          </button>
          {!open && (
            <span id={`${titleId}-hint`} class="muted small">
              {host ? `You can start it from ${START_OPENS_MINUTES} min before` : `Opens ${JOIN_OPENS_MINUTES} min before start`}
            </span>
          )}
        </div>
      )}
      {error && <Alert tone="error">{error}</Alert>}
    </li>
  );
}

export function SessionRows({ sessions, now, empty, host = false, displayName }: { sessions: FullSession[]; now: number; empty: string; host?: boolean; displayName: string }) {
  if (!sessions.length) return <p class="muted">{empty}</p>;
  return (
    <ul class="session-list">
      {sessions.map((s) => (
        <SessionRow key={s.id} s={s} now={now} displayName={displayName} host={host} />
      ))}
    </ul>
  );
}
