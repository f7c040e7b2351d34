import type { Session } from '../types.js';
import { Link } from './Link.js';

/** Links to a held session's attendance report (for its hosts) and recordings (when there are any). */
export function HeldLinks({ s, attendance }: { s: Session; attendance: boolean }) {
  const held = s.status === 'completed' || s.status === 'live' || s.startedAt !== null;
  const recordings = s.recordings ?? 0;
  if (!held || (!attendance && recordings === 0)) return null;
  const recordingLabel = recordings === 1 ? 'Recording' : `Recordings (${recordings})`;
  return (
    <p class="session-links">
      {attendance && <Link href={`/sessions/${s.id}/attendance`}>Attendance</Link>}
      {recordings > 0 &&
        // On the session's own page the browser scrolls to its recordings.
        (window.location.pathname === `/sessions/${s.id}` ? <a href="#recordings">{recordingLabel}</a> : <Link href={`/sessions/${s.id}#recordings`}>{recordingLabel}</Link>)}
    </p>
  );
}
