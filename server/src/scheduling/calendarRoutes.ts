// Calendar: per-session .ics download and the per-user secret iCalendar feed.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessions, users, type Database } from '@lectern/db';
import type { AppContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { assertCanView, getSessionRow, type SessionRow } from '../sessions/sessionAccess.js';
import { renderCalendar, type IcsEvent } from './ics.js';
import { visibleTo } from './visibility.js';

const FEED_PAST_DAYS = 90;
const FEED_MAX_EVENTS = 2000;
const TokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}(\.ics)?$/) });

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

export async function calendarRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, clock } = ctx;
  const feedUrl = (token: string) => `${config.publicUrl}/api/calendar/${token}.ics`;

  r.get(
    '/api/sessions/:id/ics',
    { schema: { tags: ['calendar'], summary: 'One session as an iCalendar file (text/calendar)', params: IdParams }, onRequest: app.requireAuth },
    async (request, reply) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanView(db, caller(request), session);
      const body = renderCalendar({ events: await toEvents(db, config.publicUrl, clock.now(), [session]) });
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="lectern-${session.id}.ics"`)
        .send(body);
    },
  );

  async function setToken(userId: string, fresh: boolean): Promise<string> {
    const [u] = await db.select({ token: users.calendarToken }).from(users).where(eq(users.id, userId));
    if (!u) throw new NotFoundError('User not found');
    if (u.token && !fresh) return u.token;
    const token = randomBytes(32).toString('base64url');
    await db.update(users).set({ calendarToken: token, updatedAt: clock.now() }).where(eq(users.id, userId));
    return token;
  }

  r.get(
    '/api/me/calendar',
    { schema: { tags: ['calendar'], summary: 'The URL of my secret calendar feed (iCalendar; created on first use)' }, onRequest: app.requireAuth },
    async (request) => ({ url: feedUrl(await setToken(caller(request).userId, false)) }),
  );

  r.post(
    '/api/me/calendar/regenerate',
    { schema: { tags: ['calendar'], summary: 'Replace my calendar feed secret; the old URL stops working' }, onRequest: app.requireAuth },
    async (request) => ({ url: feedUrl(await setToken(caller(request).userId, true)) }),
  );

  r.get(
    '/api/calendar/:token',
    {
      schema: { tags: ['calendar'], summary: 'A user\'s calendar feed, public by its secret token (subscribe in a calendar app)', params: TokenParams, security: [] },
    },
    async (request, reply) => {
      const token = request.params.token.replace(/\.ics$/, '');
      const [u] = await db.select({ id: users.id, name: users.name, disabled: users.disabled }).from(users).where(eq(users.calendarToken, token));
      if (!u || u.disabled) throw new NotFoundError('Calendar not found');
      const since = new Date(clock.now().getTime() - FEED_PAST_DAYS * 86_400_000);
      const rows = await db
        .select()
        .from(sessions)
        .where(and(visibleTo(db, u.id), gte(sessions.scheduledAt, since)))
        .orderBy(asc(sessions.scheduledAt))
        .limit(FEED_MAX_EVENTS);
      const body = renderCalendar({ name: `Lectern — ${u.name}`, events: await toEvents(db, config.publicUrl, clock.now(), rows) });
      return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
    },
  );
}
