// Reminders before a session starts. A scan finds (session, offset) pairs whose reminder
// time has passed and whose start is still ahead; each is handled in one transaction that
// claims the session_reminders row (primary key = exactly once, across all processes) and
// writes the outbox rows. Reminders due while Lectern was down are still sent if the
// session has not started; those whose session already started are marked skipped; of
// several due offsets of one session only the latest (smallest) is sent.
import { eq, sql } from 'drizzle-orm';
import { rowsOf, sessionReminders, sessions, type Database } from '@lectern/db';
import type { Clock } from '../clock.js';
import { remindBookingSides } from '../bookings/notify.js';
import { enqueue } from './outbox.js';
import { sessionPayload, sessionRecipients } from './sessionEvents.js';

export interface ReminderDeps {
  db: Database;
  clock: Clock;
  /** Offsets for sessions whose reminder_offsets_minutes is null. */
  defaultOffsets: readonly number[];
  /** How far back a start may lie and still be looked at (to mark skipped). */
  lookbackMinutes?: number;
  limit?: number;
}

export interface ScanResult {
  enqueued: number;
  skipped: number;
  /** Outbox rows written. */
  rows: number;
}

interface Due {
  sessionId: string;
  scheduledAt: Date;
  offsets: number[];
}

async function findDue(deps: ReminderDeps, now: Date): Promise<Due[]> {
  const defaults = deps.defaultOffsets.filter((n) => Number.isInteger(n) && n >= 0);
  const defaultArray = sql.raw(`array[${defaults.join(',')}]::integer[]`);
  const lookback = new Date(now.getTime() - (deps.lookbackMinutes ?? 24 * 60) * 60_000);
  const result = await deps.db.execute(sql`
    select s.id as session_id, s.scheduled_at, o.off as offset_minutes
    from ${sessions} s
    cross join lateral unnest(coalesce(s.reminder_offsets_minutes, ${defaultArray})) as o(off)
    where s.status = 'scheduled'
      and s.scheduled_at > ${lookback.toISOString()}::timestamptz
      and s.scheduled_at - make_interval(mins => o.off) <= ${now.toISOString()}::timestamptz
      and not exists (
        select 1 from ${sessionReminders} r
        where r.session_id = s.id and r.offset_minutes = o.off and r.scheduled_at = s.scheduled_at
      )
    order by s.scheduled_at
    limit ${deps.limit ?? 2000}`);
  const bySession = new Map<string, Due>();
  for (const r of rowsOf<{ session_id: string; scheduled_at: string | Date; offset_minutes: number }>(result)) {
    const scheduledAt = new Date(r.scheduled_at);
    const key = `${r.session_id}@${scheduledAt.toISOString()}`;
    const due = bySession.get(key) ?? { sessionId: r.session_id, scheduledAt, offsets: [] };
    due.offsets.push(Number(r.offset_minutes));
    bySession.set(key, due);
  }
  return [...bySession.values()];
}

/** One pass; safe to run concurrently in any number of processes. */
export async function scanReminders(deps: ReminderDeps): Promise<ScanResult> {
  const now = deps.clock.now();
  const out: ScanResult = { enqueued: 0, skipped: 0, rows: 0 };
  for (const due of await findDue(deps, now)) {
    const started = due.scheduledAt.getTime() <= now.getTime();
    const send = started ? undefined : Math.min(...due.offsets);
    await deps.db.transaction(async (tx) => {
      for (const offset of due.offsets) {
        const outcome = offset === send ? 'enqueued' : 'skipped';
        const claimed = await tx
          .insert(sessionReminders)
          .values({ sessionId: due.sessionId, offsetMinutes: offset, scheduledAt: due.scheduledAt, outcome, handledAt: now })
          .onConflictDoNothing()
          .returning({ offset: sessionReminders.offsetMinutes });
        if (claimed.length === 0) continue; // another process handled it
        if (outcome === 'skipped') {
          out.skipped++;
          continue;
        }
        const [s] = await tx.select().from(sessions).where(eq(sessions.id, due.sessionId));
        if (!s || s.status !== 'scheduled' || s.scheduledAt.getTime() !== due.scheduledAt.getTime()) continue;
        const payload = { ...(await sessionPayload(tx, s)), offsetMinutes: offset, expiresAt: s.scheduledAt.toISOString() };
        const eventKey = `session.reminder:${s.id}:${offset}:${payload.startsAt}`;
        out.rows += await enqueue(tx, { eventKey, eventType: 'session.reminder', payload, recipientIds: await sessionRecipients(tx, s) });
        if (s.type === 'office_hours') out.rows += await remindBookingSides(tx, s.id, eventKey, payload);
        out.enqueued++;
      }
    });
  }
  return out;
}
