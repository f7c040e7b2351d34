// A host's availability (handle, zone, weekly rules, date overrides, notice, horizon, cap)
// and the free slots computed from it.
import { and, eq, gt, inArray, lt, ne, notInArray, sql } from 'drizzle-orm';
import { availabilityOverrides, availabilityRules, bookings, hostProfiles, sessions, users, type Database, type Executor } from '@lectern/db';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { AvailabilityBody, AvailabilityDto, HostPublicDto, SlotDto } from './contract.js';
import { freeSlots, localDate, type Busy, type DateOverride, type Slot, type WeeklyRule } from './slots.js';
import type { z } from 'zod';

export type HostProfile = typeof hostProfiles.$inferSelect;
type AvailabilityIn = z.output<typeof AvailabilityBody>;

/** Bookings that hold their slot (and count towards the daily cap). */
export const LIVE_BOOKING = ['pending_payment', 'confirmed'] as const;
const MAX_RANGE_DAYS = 62;

export async function getAvailability(db: Executor, hostId: string): Promise<AvailabilityDto | null> {
  const [p] = await db.select().from(hostProfiles).where(eq(hostProfiles.userId, hostId));
  if (!p) return null;
  const { rules, overrides } = await rulesOf(db, hostId);
  return {
    hostId,
    timezone: p.timezone,
    handle: p.handle,
    rules,
    overrides,
    minNoticeMinutes: p.minNoticeMinutes,
    horizonDays: p.horizonDays,
    dailyCap: p.dailyCap,
  };
}

async function rulesOf(db: Executor, hostId: string): Promise<{ rules: WeeklyRule[]; overrides: DateOverride[] }> {
  const r = await db.select().from(availabilityRules).where(eq(availabilityRules.hostId, hostId)).orderBy(availabilityRules.dayOfWeek, availabilityRules.start);
  const o = await db.select().from(availabilityOverrides).where(eq(availabilityOverrides.hostId, hostId)).orderBy(availabilityOverrides.date, availabilityOverrides.start);
  return {
    rules: r.map((x) => ({
      dayOfWeek: x.dayOfWeek,
      start: x.start,
      end: x.end,
      slotMinutes: x.slotMinutes,
      bufferMinutes: x.bufferMinutes,
      priceCents: x.priceCents,
      currency: x.currency,
      active: x.active,
    })),
    overrides: o.map((x): DateOverride =>
      x.kind === 'off' || !x.start || !x.end || !x.slotMinutes
        ? { kind: 'off', date: x.date }
        : { kind: 'extra', date: x.date, start: x.start, end: x.end, slotMinutes: x.slotMinutes, bufferMinutes: x.bufferMinutes, priceCents: x.priceCents, currency: x.currency },
    ),
  };
}

/** Replaces the whole availability in one transaction. A handle belongs to one host. */
export async function putAvailability(db: Database, hostId: string, input: AvailabilityIn, now: Date): Promise<AvailabilityDto> {
  try {
    await writeAvailability(db, hostId, input, now);
  } catch (err) {
    // Two hosts claiming one handle at the same moment: the unique index decides.
    if (isUniqueViolation(err)) throw new ConflictError(`The handle "${input.handle}" is taken`);
    throw err;
  }
  return (await getAvailability(db, hostId))!;
}

export const isUniqueViolation = (err: unknown): boolean => {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
};

async function writeAvailability(db: Database, hostId: string, input: AvailabilityIn, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const [taken] = await tx.select({ userId: hostProfiles.userId }).from(hostProfiles).where(and(eq(hostProfiles.handle, input.handle), ne(hostProfiles.userId, hostId)));
    if (taken) throw new ConflictError(`The handle "${input.handle}" is taken`);
    const profile = { handle: input.handle, timezone: input.timezone, minNoticeMinutes: input.minNoticeMinutes, horizonDays: input.horizonDays, dailyCap: input.dailyCap, updatedAt: now };
    await tx
      .insert(hostProfiles)
      .values({ userId: hostId, ...profile, createdAt: now })
      .onConflictDoUpdate({ target: hostProfiles.userId, set: profile });
    await tx.delete(availabilityRules).where(eq(availabilityRules.hostId, hostId));
    await tx.delete(availabilityOverrides).where(eq(availabilityOverrides.hostId, hostId));
    if (input.rules.length) await tx.insert(availabilityRules).values(input.rules.map((r) => ({ ...r, hostId, createdAt: now, updatedAt: now })));
    if (input.overrides.length) await tx.insert(availabilityOverrides).values(input.overrides.map((o) => ({ ...o, hostId, createdAt: now, updatedAt: now })));
  });
}

export async function hostByHandle(db: Executor, handle: string): Promise<{ profile: HostProfile; name: string }> {
  const [row] = await db
    .select({ profile: hostProfiles, name: users.name, disabled: users.disabled })
    .from(hostProfiles)
    .innerJoin(users, eq(users.id, hostProfiles.userId))
    .where(eq(hostProfiles.handle, handle.toLowerCase()));
  if (!row || row.disabled) throw new NotFoundError('No host with that handle');
  return { profile: row.profile, name: row.name };
}

export function publicHost(h: { profile: HostProfile; name: string }): HostPublicDto {
  return { handle: h.profile.handle, name: h.name, timezone: h.profile.timezone, minNoticeMinutes: h.profile.minNoticeMinutes, horizonDays: h.profile.horizonDays };
}

/** What keeps the host busy in [from, to): their other sessions and the live bookings with buffers. */
export async function busyOf(db: Executor, hostId: string, from: Date, to: Date, exceptBookingId?: string): Promise<{ busy: Busy[] }> {
  const pad = 86_400_000; // sessions and buffers reaching into the range
  const s = await db
    .select({ start: sessions.scheduledAt, minutes: sessions.durationMinutes, id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.hostId, hostId), ne(sessions.status, 'cancelled'), gt(sessions.scheduledAt, new Date(from.getTime() - pad)), lt(sessions.scheduledAt, new Date(to.getTime() + pad))));
  const b = await db
    .select({ id: bookings.id, start: bookings.startsAt, end: bookings.endsAt, buffer: bookings.bufferMinutes, sessionId: bookings.sessionId })
    .from(bookings)
    .where(
      and(
        eq(bookings.hostId, hostId),
        inArray(bookings.status, [...LIVE_BOOKING]),
        gt(bookings.endsAt, new Date(from.getTime() - pad)),
        lt(bookings.startsAt, new Date(to.getTime() + pad)),
        exceptBookingId ? ne(bookings.id, exceptBookingId) : undefined,
      ),
    );
  // A booking's own session is busy through the booking row (with its buffer).
  const ownSession = new Set(b.map((x) => x.sessionId));
  const excepted = exceptBookingId ? await db.select({ sessionId: bookings.sessionId }).from(bookings).where(eq(bookings.id, exceptBookingId)) : [];
  for (const e of excepted) ownSession.add(e.sessionId);
  const busy: Busy[] = [
    ...s.filter((x) => !ownSession.has(x.id)).map((x) => ({ start: x.start, end: new Date(x.start.getTime() + x.minutes * 60_000) })),
    ...b.map((x) => ({ start: x.start, end: new Date(x.end.getTime() + x.buffer * 60_000) })),
  ];
  return { busy };
}

export interface SlotContext {
  profile: HostProfile;
  now: Date;
  from: Date;
  to: Date;
  exceptBookingId?: string;
}

/** The host's free slots in [from, to), as the public page shows them. */
export async function slotsFor(db: Executor, c: SlotContext): Promise<Slot[]> {
  const { profile: p } = c;
  if (c.to <= c.from) throw new ValidationError('from must be before to');
  if (c.to.getTime() - c.from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw new ValidationError(`at most ${MAX_RANGE_DAYS} days at a time`);
  const { rules, overrides } = await rulesOf(db, p.userId);
  const { busy } = await busyOf(db, p.userId, c.from, c.to, c.exceptBookingId);
  const bookedPerDay = p.dailyCap == null ? new Map<string, number>() : await bookedPerLocalDay(db, p, c.from, c.to, c.exceptBookingId);
  return freeSlots({
    zone: p.timezone,
    rules,
    overrides,
    from: c.from,
    to: c.to,
    now: c.now,
    minNoticeMinutes: p.minNoticeMinutes,
    horizonDays: p.horizonDays,
    dailyCap: p.dailyCap,
    busy,
    bookedPerDay,
  });
}

async function bookedPerLocalDay(db: Executor, p: HostProfile, from: Date, to: Date, exceptBookingId?: string): Promise<Map<string, number>> {
  const pad = 2 * 86_400_000;
  const rows = await db
    .select({ start: bookings.startsAt })
    .from(bookings)
    .where(
      and(
        eq(bookings.hostId, p.userId),
        inArray(bookings.status, [...LIVE_BOOKING]),
        gt(bookings.startsAt, new Date(from.getTime() - pad)),
        lt(bookings.startsAt, new Date(to.getTime() + pad)),
        exceptBookingId ? notInArray(bookings.id, [exceptBookingId]) : undefined,
      ),
    );
  const m = new Map<string, number>();
  for (const r of rows) {
    const d = localDate(r.start, p.timezone);
    m.set(d, (m.get(d) ?? 0) + 1);
  }
  return m;
}

export const slotDto = (s: Slot): SlotDto => ({ start: s.start.toISOString(), end: s.end.toISOString(), priceCents: s.priceCents, currency: s.currency });

/** Serialises booking transactions of one host (every node, PGlite too): the checks then see every earlier booking. */
export async function lockHost(tx: Executor, hostId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`lectern:booking:${hostId}`}))`);
}
