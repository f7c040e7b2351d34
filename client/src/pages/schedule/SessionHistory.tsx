// A session's change history, newest first: who did what and when, what each edit changed
// (before → after), who was invited or uninvited, host changes, materials, and the reason.
import { formatDateTime } from '../../time.js';
import type { HistoryEntry } from './scheduleApi.js';

const ACTION: Record<string, string> = {
  created: 'Scheduled',
  updated: 'Edited',
  rescheduled: 'Rescheduled',
  cancelled: 'Cancelled',
  host_assigned: 'Host changed',
  invitees_changed: 'Invitees changed',
  materials_changed: 'Materials changed',
};

const FIELD: Record<string, string> = {
  title: 'Title',
  durationMinutes: 'Duration',
  timezone: 'Time zone',
  type: 'Type',
  mode: 'Mode',
  guestAccess: 'Guest access',
  participantLimit: 'Participant limit',
  webinarMode: 'Webinar mode',
  meetingUrl: 'Meeting link',
  priceCents: 'Price',
  currency: 'Currency',
  courseId: 'Course',
};

type Side = Record<string, unknown>;
const side = (v: unknown): Side => (v && typeof v === 'object' ? (v as Side) : {});
const words = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return 'none';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.replaceAll('_', ' ');
};
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** One line per thing the entry changed, in words. */
export function describeChange(h: HistoryEntry): string[] {
  const before = side(h.before);
  const after = side(h.after);
  const name = (id: string) => h.people[id] ?? 'a removed account';
  const names = (list: string[]) => list.map(name).join(', ');
  switch (h.action) {
    case 'invitees_changed':
      return [...(ids(after.added).length ? [`Invited ${names(ids(after.added))}`] : []), ...(ids(after.removed).length ? [`Uninvited ${names(ids(after.removed))}`] : [])];
    case 'host_assigned':
      return [`${typeof before.hostId === 'string' ? name(before.hostId) : 'Someone'} → ${typeof after.hostId === 'string' ? name(after.hostId) : 'someone'}`];
    case 'materials_changed': {
      const m = side(after.added ?? after.removed);
      return [`${after.added ? 'Added' : 'Removed'} “${words(m.title)}”`];
    }
    case 'updated':
    case 'rescheduled': {
      const lines: string[] = [];
      const zone = (s: Side) => (typeof s.timezone === 'string' ? s.timezone : undefined);
      if (before.scheduledAt !== after.scheduledAt && typeof before.scheduledAt === 'string' && typeof after.scheduledAt === 'string') {
        lines.push(`Time: ${formatDateTime(before.scheduledAt, zone(before))} → ${formatDateTime(after.scheduledAt, zone(after))}`);
      }
      for (const [key, label] of Object.entries(FIELD)) {
        if (!(key in after) || before[key] === after[key]) continue;
        if (key === 'durationMinutes') lines.push(`${label}: ${words(before[key])} → ${words(after[key])} min`);
        else if (key === 'title') lines.push(`${label}: “${words(before[key])}” → “${words(after[key])}”`);
        else if (key === 'courseId') lines.push(`${label} changed`);
        else lines.push(`${label}: ${words(before[key])} → ${words(after[key])}`);
      }
      if ('description' in after && before.description !== after.description) lines.push('Description changed');
      return lines;
    }
    default:
      return [];
  }
}

export function SessionHistory({ history }: { history: HistoryEntry[] }) {
  if (history.length === 0) return null;
  return (
    <section class="card" aria-labelledby="hist-heading">
      <h2 id="hist-heading">History</h2>
      <ol class="history-list small">
        {[...history].reverse().map((h) => (
          <li key={h.id}>
            <p>
              <strong>{ACTION[h.action] ?? h.action}</strong> by {h.actorName ?? 'someone'} · <time dateTime={h.at}>{formatDateTime(h.at)}</time>
            </p>
            {describeChange(h).map((line) => (
              <p key={line} class="muted">
                {line}
              </p>
            ))}
            {h.reason && <p class="muted">Reason: {h.reason}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
