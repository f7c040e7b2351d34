// Calendar: the iCalendar of one session and of a user's secret feed, and the feed token.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import { sessions, users, type Database } from '@lectern/db';
import type { Clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import type { SessionRow } from '../sessions/sessionAccess.js';
import { renderCalendar, type IcsEvent } from './ics.js';
import { visibleTo } from './visibility.js';

const FEED_PAST_DAYS = 90;
const FEED_MAX_EVENTS = 2000;

export function sessionLink(publicUrl: string, id: string): string {
  return `${publicUrl}/sessions/${id}`;
}

async function toEvents(db: Database, publicUrl: string, now: Date, rows: SessionRow[]): Promise<IcsEvent[]> {
  const hostIds = [...new Set(rows.map((r) => r.hostId))];
  const hosts = hostIds.length ? await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, hostIds)) : [];
  const byId = new Map(hosts.map((h) => [h.id, h]));
  return rows.map((s) => {
    const link = sessionLink(publicUrl, s.id);
    const host = byId.get(s.hostId);
    const notes = [s.description, `Join: ${link}`, s.meetingUrl ? `Meeting link: ${s.meetingUrl}` : '', `Time zone: ${s.timezone}`];
    if (s.status === 'cancelled' && s.cancelReason) notes.unshift(`Cancelled: ${s.cancelReason}`);
    return {
      uid: `${s.id}@lectern`,
      sequence: s.sequence,
      stamp: now,
      start: s.scheduledAt,
      end: new Date(s.scheduledAt.getTime() + s.durationMinutes * 60_000),
      summary: s.title,
      description: notes.filter(Boolean).join('\n\n'),
      url: link,
      location: s.mode === 'in_person' || s.mode === 'hybrid' ? (s.meetingUrl ?? link) : link,
      status: s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      ...(host ? { organizer: { name: host.name, email: host.email } } : {}),
      timezone: s.timezone,
      lastModified: s.updatedAt,
    };
  });
}

/** One session as an iCalendar file. */
export async function sessionCalendar(db: Database, publicUrl: string, now: Date, session: SessionRow): Promise<string> {
  return renderCalendar({ events: await toEvents(db, publicUrl, now, [session]) });
}

/** The user's feed secret: the existing one, or a new one when asked (the old URL dies). */
export async function feedToken(db: Database, clock: Clock, userId: string, fresh: boolean): Promise<string> {
  const [u] = await db.select({ token: users.calendarToken }).from(users).where(eq(users.id, userId));
  if (!u) throw new NotFoundError('User not found');
  if (u.token && !fresh) return u.token;
  const token = randomBytes(32).toString('base64url');
  await db.update(users).set({ calendarToken: token, updatedAt: clock.now() }).where(eq(users.id, userId));
  return token;
}

/** The feed behind a secret token: the sessions its owner sees, from 90 days back. 404 for unknown or disabled. */
export async function feedCalendar(db: Database, publicUrl: string, now: Date, token: string): Promise<string> {
  const [u] = await db.select({ id: users.id, name: users.name, disabled: users.disabled }).from(users).where(eq(users.calendarToken, token));
  if (!u || u.disabled) throw new NotFoundError('Calendar not found');
  const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
  const rows = await db
    .select()
    .from(sessions)
    .where(and(visibleTo(db, u.id), gte(sessions.scheduledAt, since)))
    .orderBy(asc(sessions.scheduledAt))
    .limit(FEED_MAX_EVENTS);
  return renderCalendar({ name: `Lectern — ${u.name}`, events: await toEvents(db, publicUrl, now, rows) });
}
