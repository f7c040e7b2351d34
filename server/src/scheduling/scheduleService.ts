// Scheduling: create one-off sessions and series, reschedule, cancel, scoped edits, host
// assignment, invitees. Each change is one transaction that also writes the audit history
// and enqueues the notification event, and bumps SEQUENCE where invitees see the change.
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { sessionCohosts, sessionInvitees, sessionSeries, sessions, users, type Database, type Executor, type Material } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import { ConflictError, ValidationError } from '../errors.js';
import { enqueueSessionEvent } from '../notifications/sessionEvents.js';
import { publishWithdrawn, withdrawSessionNotices, type Withdrawn } from '../notifications/waitingNotice.js';
import type { SessionRow } from '../sessions/sessionAccess.js';
import { SESSION_EVENTS_TOPIC, type SessionDeps } from '../sessions/sessionService.js';
import type { Invitee, Scope } from './contract.js';
import { recordHistory, snapshot } from './historyLog.js';
import { expandRRule, formatRRule, localToUtc } from './recurrence.js';
import { canEdit } from './scheduleRules.js';
import type { SeriesSummary } from '../notifications/sessionEvents.js';

export { SCOPES, type Scope } from './contract.js';

type Insert = typeof sessions.$inferInsert;

export interface CreateInput {
  title: string;
  description: string;
  type: SessionRow['type'];
  mode: SessionRow['mode'];
  scheduledAt: Date;
  durationMinutes: number;
  timezone: string;
  guestAccess: SessionRow['guestAccess'];
  participantLimit?: number | undefined;
  webinarMode?: boolean | undefined;
  courseId?: string | undefined;
  meetingUrl?: string | undefined;
  priceCents: number;
  currency: string;
  materials: Material[];
  hostId: string;
  cohostIds: string[];
  invitees: string[];
  recurrence?: string | undefined;
}

async function insertChunked<T>(tx: Executor, rows: T[], insert: (tx: Executor, chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await insert(tx, rows.slice(i, i + 500));
}

/** Creates a one-off session or a whole series; returns every occurrence in order. */
export async function createScheduled(deps: SessionDeps, who: AccessClaims, input: CreateInput): Promise<SessionRow[]> {
  const now = deps.clock.now();
  const { recurrence, invitees, cohostIds, scheduledAt, ...fields } = input;
  const expanded = recurrence ? expandRRule(recurrence, scheduledAt, input.timezone) : undefined;
  const starts = expanded?.occurrences ?? [scheduledAt];
  return deps.db.transaction(async (tx) => {
    let seriesId: string | null = null;
    if (expanded) {
      const [series] = await tx
        .insert(sessionSeries)
        .values({
          rrule: formatRRule(expanded.rule),
          timezone: input.timezone,
          dtstart: scheduledAt,
          until: starts.at(-1)!,
          occurrenceCount: starts.length,
          createdBy: who.userId,
        })
        .returning();
      seriesId = series!.id;
    }
    const values: Insert[] = starts.map((at) => ({ ...fields, seriesId, scheduledAt: at, createdAt: now, updatedAt: now }));
    const rows: SessionRow[] = [];
    await insertChunked(tx, values, async (t, chunk) => rows.push(...(await t.insert(sessions).values(chunk).returning())));
    rows.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime());
    const ids = rows.map((r) => r.id);
    const inv = [...new Set(invitees)].flatMap((userId) => ids.map((sessionId) => ({ sessionId, userId })));
    await insertChunked(tx, inv, (t, chunk) => t.insert(sessionInvitees).values(chunk));
    const co = [...new Set(cohostIds)].filter((id) => id !== input.hostId).flatMap((userId) => ids.map((sessionId) => ({ sessionId, userId })));
    await insertChunked(tx, co, (t, chunk) => t.insert(sessionCohosts).values(chunk));
    await recordHistory(
      tx,
      rows.map((r) => ({ sessionId: r.id, actorId: who.userId, action: 'created' as const, after: snapshot(r, { recurrence: expanded ? formatRRule(expanded.rule) : null }), at: now })),
    );
    // One notification for a new series, not one per occurrence; course students are told too.
    const first = rows[0];
    if (first && seriesId && rows.length > 1 && expanded) {
      const series = seriesSummary(seriesId, expanded.rule.freq, first.scheduledAt, input.timezone, rows.length, expanded.rule.byDay.map((d) => d.weekday));
      await enqueueSessionEvent(tx, { type: 'session.scheduled', sessionId: first.id, recipientIds: [...new Set(invitees)], includeCourse: true, series, actorId: who.userId });
    } else {
      for (const r of rows) {
        await enqueueSessionEvent(tx, { type: 'session.scheduled', sessionId: r.id, recipientIds: [...new Set(invitees)], includeCourse: true, actorId: who.userId });
      }
    }
    return rows;
  });
}

/** "Mondays 10:00" and "weekly" for the one notification of a new series. */
export function seriesSummary(seriesId: string, freq: 'DAILY' | 'WEEKLY' | 'MONTHLY', first: Date, zone: string, count: number, weekdays: number[] = []): SeriesSummary {
  const local = DateTime.fromJSDate(first, { zone });
  const time = local.toFormat('HH:mm');
  const NAMES = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];
  const days = [...new Set(weekdays.length ? weekdays : [local.weekday - 1])].sort((a, b) => a - b).map((d) => NAMES[d] ?? '');
  const dayList = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1)}` : (days[0] ?? '');
  const when = freq === 'WEEKLY' ? `${dayList} ${time}` : freq === 'DAILY' ? `every day ${time}` : `monthly on day ${local.day}, ${time}`;
  return { seriesId, count, frequency: freq.toLowerCase(), when };
}

/**
 * The occurrences a scoped change applies to: for series scopes the still-scheduled ones
 * (plus the target if live) that `who` may edit. Occurrences of one series can have
 * different hosts (an admin reassigns one); a host's "all" must not reach the others'.
 */
export async function scopeRows(tx: Executor, who: AccessClaims, target: SessionRow, scope: Scope): Promise<SessionRow[]> {
  if (scope === 'one' || !target.seriesId) return [target];
  const rows = await tx
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.seriesId, target.seriesId),
        eq(sessions.status, 'scheduled'),
        scope === 'following' ? gte(sessions.scheduledAt, target.scheduledAt) : undefined,
      ),
    );
  // The occurrence the change was made on belongs to its own scope even when it is live.
  if (target.status === 'live' && !rows.some((r) => r.id === target.id)) rows.push(target);
  return rows.filter((r) => canEdit(who, r)).sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime());
}

function assertScheduled(s: SessionRow, what: string): void {
  if (s.status !== 'scheduled') throw new ConflictError(`Session is ${s.status} and cannot be ${what}`);
}

export async function rescheduleSession(
  deps: SessionDeps,
  who: AccessClaims,
  target: SessionRow,
  change: { scheduledAt: Date; timezone?: string | undefined; durationMinutes?: number | undefined; reason: string },
): Promise<SessionRow> {
  assertScheduled(target, 'rescheduled');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(sessions)
      .set({
        scheduledAt: change.scheduledAt,
        timezone: change.timezone ?? target.timezone,
        durationMinutes: change.durationMinutes ?? target.durationMinutes,
        sequence: sql`${sessions.sequence} + 1`,
        updatedAt: now,
      })
      .where(and(eq(sessions.id, target.id), eq(sessions.status, 'scheduled')))
      .returning();
    if (!row) throw new ConflictError('Session changed meanwhile; reload and try again');
    await recordHistory(tx, [{ sessionId: row.id, actorId: who.userId, action: 'rescheduled', reason: change.reason, before: snapshot(target), after: snapshot(row), at: now }]);
    await enqueueSessionEvent(tx, { type: 'session.rescheduled', sessionId: row.id, previousStart: target.scheduledAt.toISOString(), reason: change.reason, actorId: who.userId });
    return row;
  });
}

export async function cancelSessions(deps: SessionDeps, who: AccessClaims, target: SessionRow, scope: Scope, reason: string): Promise<SessionRow[]> {
  if (scope === 'one') assertScheduled(target, 'cancelled');
  const now = deps.clock.now();
  let withdrawn: Withdrawn = [];
  const cancelled = await deps.db.transaction(async (tx) => {
    const rows = await scopeRows(tx, who, target, scope);
    const out: SessionRow[] = [];
    for (const before of rows) {
      const [row] = await tx
        .update(sessions)
        .set({ status: 'cancelled', cancelReason: reason, sequence: sql`${sessions.sequence} + 1`, tokenCutoffAt: now, updatedAt: now })
        .where(and(eq(sessions.id, before.id), eq(sessions.status, 'scheduled')))
        .returning();
      if (!row) continue;
      await recordHistory(tx, [{ sessionId: row.id, actorId: who.userId, action: 'cancelled', reason, before: snapshot(before), after: snapshot(row), at: now }]);
      await enqueueSessionEvent(tx, { type: 'session.cancelled', sessionId: row.id, reason, actorId: who.userId });
      out.push(row);
    }
    if (!out.length) throw new ConflictError('Nothing to cancel: no scheduled occurrences in that scope');
    withdrawn = await withdrawSessionNotices(tx, out.map((r) => r.id), ['waiting'], now, 'the session was cancelled before delivery');
    return out;
  });
  // Whoever waits in a cancelled session's room is told it will not take place.
  for (const row of cancelled) await deps.bus.publish(SESSION_EVENTS_TOPIC, { type: 'ended', sessionId: row.id, at: now.toISOString() });
  await publishWithdrawn(deps.bus, withdrawn);
  return cancelled;
}

export type Patch = Partial<Pick<Insert, 'title' | 'description' | 'type' | 'mode' | 'durationMinutes' | 'guestAccess' | 'participantLimit' | 'webinarMode' | 'courseId' | 'meetingUrl' | 'priceCents' | 'currency' | 'timezone'>> & {
  /** New start of the target; the other occurrences of the scope move by as many days, to the same time of day. */
  scheduledAt?: Date | undefined;
  /** New wall time 'HH:MM' for each occurrence on its own local date (a reschedule). */
  localTime?: string | undefined;
  reason?: string | undefined;
};

/** The calendar date of an instant in `zone` (as a UTC midnight, for day arithmetic). */
const localDay = (instant: Date, zone: string) => {
  const d = DateTime.fromJSDate(instant, { zone });
  return DateTime.utc(d.year, d.month, d.day);
};

/** A wall-clock time on an instant's local date (read in `zone`), as an instant in `toZone`. */
export function atLocalTime(instant: Date, zone: string, hhmm: string, toZone = zone): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const d = localDay(instant, zone);
  return localToUtc({ year: d.year, month: d.month, day: d.day, hour: h, minute: m }, toZone);
}

/**
 * Where an occurrence goes when `target` moves to `to`: as many calendar days later (or
 * earlier) as the target moved, at the target's new time of day, in `zone`.
 */
export function movedStart(occurrence: Pick<SessionRow, 'scheduledAt' | 'timezone'>, target: Pick<SessionRow, 'scheduledAt' | 'timezone'>, to: Date, zone: string): Date {
  const days = Math.round(localDay(to, zone).diff(localDay(target.scheduledAt, target.timezone), 'days').days);
  const day = localDay(occurrence.scheduledAt, occurrence.timezone).plus({ days });
  const time = DateTime.fromJSDate(to, { zone });
  return localToUtc({ year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute }, zone);
}

export async function updateSessions(deps: SessionDeps & { clock: Clock }, who: AccessClaims, target: SessionRow, scope: Scope, patch: Patch): Promise<SessionRow[]> {
  const { localTime, scheduledAt, reason, ...fields } = patch;
  if (localTime && scheduledAt) throw new ValidationError('give a new start (scheduledAt) or a time of day (localTime), not both');
  const moves = Boolean(localTime || scheduledAt);
  if (scope === 'one' && target.status !== 'scheduled' && (moves || target.status !== 'live')) {
    throw new ConflictError(`Session is ${target.status} and cannot be changed`);
  }
  if (Object.keys(fields).length === 0 && !moves) throw new ValidationError('nothing to update');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const rows = await scopeRows(tx, who, target, scope);
    const out: SessionRow[] = [];
    for (const before of rows) {
      const zone = fields.timezone ?? before.timezone;
      const start = scheduledAt
        ? before.id === target.id
          ? scheduledAt
          : movedStart(before, target, scheduledAt, zone)
        : localTime
          ? atLocalTime(before.scheduledAt, before.timezone, localTime, zone)
          : undefined;
      const [row] = await tx
        .update(sessions)
        .set({ ...fields, ...(start ? { scheduledAt: start } : {}), sequence: sql`${sessions.sequence} + 1`, updatedAt: now })
        .where(eq(sessions.id, before.id))
        .returning();
      if (!row) continue;
      const moved = start !== undefined && start.getTime() !== before.scheduledAt.getTime();
      // The description goes into the history only when it changes (it can be long).
      const text = (s: SessionRow) => (fields.description !== undefined && fields.description !== before.description ? { description: s.description } : {});
      await recordHistory(tx, [
        { sessionId: row.id, actorId: who.userId, action: moved ? 'rescheduled' : 'updated', reason: reason ?? null, before: snapshot(before, text(before)), after: snapshot(row, text(row)), at: now },
      ]);
      if (moved) {
        await enqueueSessionEvent(tx, { type: 'session.rescheduled', sessionId: row.id, previousStart: before.scheduledAt.toISOString(), ...(reason ? { reason } : {}), actorId: who.userId });
      }
      out.push(row);
    }
    return out;
  });
}

export async function assignHost(deps: SessionDeps, who: AccessClaims, target: SessionRow, scope: Scope, hostId: string, reason?: string): Promise<SessionRow[]> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const rows = scope === 'one' ? [target] : await scopeRows(tx, who, target, scope);
    const out: SessionRow[] = [];
    for (const before of rows) {
      if (before.status === 'completed' || before.status === 'cancelled') continue;
      const [row] = await tx
        .update(sessions)
        .set({ hostId, sequence: sql`${sessions.sequence} + 1`, updatedAt: now })
        .where(eq(sessions.id, before.id))
        .returning();
      await tx.delete(sessionCohosts).where(and(eq(sessionCohosts.sessionId, before.id), eq(sessionCohosts.userId, hostId)));
      await recordHistory(tx, [{ sessionId: before.id, actorId: who.userId, action: 'host_assigned', reason: reason ?? null, before: snapshot(before), after: snapshot(row!), at: now }]);
      out.push(row!);
    }
    if (!out.length) throw new ConflictError('Session is over and its host cannot change');
    return out;
  });
}

export async function changeInvitees(
  deps: SessionDeps,
  who: AccessClaims,
  target: SessionRow,
  scope: Scope,
  change: { add: string[]; remove: string[] },
): Promise<SessionRow[]> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const rows = await scopeRows(tx, who, target, scope);
    const out: SessionRow[] = [];
    for (const s of rows) {
      const current = new Set((await tx.select({ id: sessionInvitees.userId }).from(sessionInvitees).where(eq(sessionInvitees.sessionId, s.id))).map((r) => r.id));
      const added = [...new Set(change.add)].filter((id) => !current.has(id));
      const removed = [...new Set(change.remove)].filter((id) => current.has(id));
      if (!added.length && !removed.length) continue;
      if (added.length) await tx.insert(sessionInvitees).values(added.map((userId) => ({ sessionId: s.id, userId })));
      if (removed.length) await tx.delete(sessionInvitees).where(and(eq(sessionInvitees.sessionId, s.id), inArray(sessionInvitees.userId, removed)));
      const [row] = await tx.update(sessions).set({ sequence: sql`${sessions.sequence} + 1`, updatedAt: now }).where(eq(sessions.id, s.id)).returning();
      await recordHistory(tx, [{ sessionId: s.id, actorId: who.userId, action: 'invitees_changed', after: { added, removed }, at: now }]);
      if (added.length && s.status === 'scheduled') await enqueueSessionEvent(tx, { type: 'session.scheduled', sessionId: s.id, recipientIds: added, actorId: who.userId });
      out.push(row!);
    }
    return out;
  });
}

/** The people invited to a session, by name. */
export async function listInvitees(db: Database, sessionId: string): Promise<Invitee[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email, rsvp: sessionInvitees.rsvp })
    .from(sessionInvitees)
    .innerJoin(users, eq(users.id, sessionInvitees.userId))
    .where(eq(sessionInvitees.sessionId, sessionId))
    .orderBy(asc(users.name));
}
