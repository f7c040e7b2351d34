import { bucketOf, type SessionBucket } from '../sessions.js';
import type { Session } from '../types.js';
import { SessionItem } from './SessionItem.js';

interface SessionListProps {
  sessions: Session[];
  userName: string;
  onChange: (session: Session) => void;
}

const SECTIONS: { bucket: SessionBucket; title: string; empty: string }[] = [
  { bucket: 'live', title: 'Live now', empty: 'Nothing is live right now.' },
  { bucket: 'upcoming', title: 'Upcoming', empty: 'No upcoming sessions. Schedule one, or start an instant session.' },
  { bucket: 'past', title: 'Past', empty: 'No past sessions yet.' },
];

const byTime = (dir: 1 | -1) => (a: Session, b: Session) =>
  dir * (new Date(a.scheduledAt).getTime() - new Date(b.scheduledAt).getTime());

/** My sessions in three sections: live now, upcoming (soonest first), past (latest first). */
export function SessionList({ sessions, userName, onChange }: SessionListProps) {
  return (
    <>
      {SECTIONS.map(({ bucket, title, empty }) => {
        const items = sessions.filter((s) => bucketOf(s) === bucket).sort(byTime(bucket === 'past' ? -1 : 1));
        const shown = bucket === 'past' ? items.slice(0, 20) : items;
        if (bucket === 'live' && items.length === 0) return null;
        return (
          <section key={bucket} class="card" aria-labelledby={`h-${bucket}`}>
            <h2 id={`h-${bucket}`}>
              {title} {items.length > 0 && <span class="count">{items.length}</span>}
            </h2>
            {shown.length === 0 ? (
              <p class="muted">{empty}</p>
            ) : (
              <ul class="session-list">
                {shown.map((s) => (
                  <SessionItem key={s.id} session={s} userName={userName} onChange={onChange} />
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </>
  );
}
