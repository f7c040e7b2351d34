// Join codes: 8 symbols of Crockford's base32 alphabet (no I, L, O, U), from a CSPRNG
// via nanoid. 32^8 = 2^40 codes; look-ups are rate-limited per IP and globally.
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { customAlphabet } from 'nanoid';
import { joinCodes, sessions, type Database, type Executor } from '@lectern/db';
import type { Clock } from '../clock.js';
import { NotFoundError } from '../errors.js';

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;
export const newCode = customAlphabet(CODE_ALPHABET, CODE_LENGTH);

/** Normalises what a person typed: case, spaces, dashes, and the look-alikes O->0, I/L->1. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export const isWellFormedCode = (c: string): boolean => c.length === CODE_LENGTH && [...c].every((ch) => CODE_ALPHABET.includes(ch));

export interface CodeRow {
  code: string;
  sessionId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A session whose start was set at most this long after it was created was made to start now (ad hoc). */
export const AD_HOC_WINDOW_MS = 5 * 60_000;

export interface CodeLifetime {
  ttlMinutes: number;
  graceMinutes: number;
}

/**
 * When a new code of this session expires: an ad-hoc session's code lasts `ttlMinutes`; a
 * scheduled session's code lasts until the session's scheduled end plus `graceMinutes`
 * (never less than `ttlMinutes`), so a link sent today still works at tomorrow's session.
 */
export function codeExpiry(session: Pick<typeof sessions.$inferSelect, 'scheduledAt' | 'durationMinutes' | 'createdAt'>, now: Date, life: CodeLifetime): Date {
  const short = now.getTime() + life.ttlMinutes * 60_000;
  const adHoc = session.scheduledAt.getTime() - session.createdAt.getTime() <= AD_HOC_WINDOW_MS;
  if (adHoc) return new Date(short);
  const end = session.scheduledAt.getTime() + (session.durationMinutes + life.graceMinutes) * 60_000;
  return new Date(Math.max(short, end));
}

/** Attempts at a fresh code before giving up (each collides with probability codes-in-use / 2^40). */
export const CODE_ATTEMPTS = 6;

/** `generate` is replaceable so tests can force collisions. */
export async function createCode(db: Executor, clock: Clock, sessionId: string, createdBy: string | null, expiresAt: Date, generate: () => string = newCode): Promise<CodeRow> {
  const now = clock.now();
  // A collision is astronomically unlikely, but retry rather than fail if one happens.
  for (let attempt = 1; ; attempt++) {
    const code = generate();
    const rows = await db.insert(joinCodes).values({ code, sessionId, createdBy, createdAt: now, expiresAt }).onConflictDoNothing().returning();
    if (rows[0]) return rows[0];
    if (attempt >= CODE_ATTEMPTS) throw new Error('could not allocate a unique join code');
  }
}

/**
 * The session a live code opens. Unknown, expired, revoked and ended codes all give the
 * same NotFoundError, so an outsider learns nothing from the answer.
 */
/** A session's codes, newest first. */
export async function listCodes(db: Database, sessionId: string): Promise<CodeRow[]> {
  return db.select().from(joinCodes).where(eq(joinCodes.sessionId, sessionId)).orderBy(desc(joinCodes.createdAt));
}

/** Revokes a live code of the session; false when there is none. */
export async function revokeCode(db: Database, clock: Clock, sessionId: string, rawCode: string): Promise<boolean> {
  const rows = await db
    .update(joinCodes)
    .set({ revokedAt: clock.now() })
    .where(and(eq(joinCodes.sessionId, sessionId), eq(joinCodes.code, normaliseCode(rawCode)), isNull(joinCodes.revokedAt)))
    .returning({ code: joinCodes.code });
  return rows.length > 0;
}

/**
 * Revokes every live code of the session and makes a new one, atomically: after a guest
 * was removed, the link they had stops working and the host shares the new one.
 */
export async function replaceCodes(db: Database, clock: Clock, sessionId: string, createdBy: string | null, expiresAt: Date): Promise<{ code: CodeRow; revoked: number }> {
  return db.transaction(async (tx) => {
    const revoked = await tx
      .update(joinCodes)
      .set({ revokedAt: clock.now() })
      .where(and(eq(joinCodes.sessionId, sessionId), isNull(joinCodes.revokedAt), gt(joinCodes.expiresAt, clock.now())))
      .returning({ code: joinCodes.code });
    const code = await createCode(tx, clock, sessionId, createdBy, expiresAt);
    return { code, revoked: revoked.length };
  });
}

export async function resolveCode(db: Database, clock: Clock, rawCode: string): Promise<typeof sessions.$inferSelect> {
  const code = normaliseCode(rawCode);
  const dead = new NotFoundError('This code is not valid or has expired');
  if (!isWellFormedCode(code)) throw dead;
  const [row] = await db
    .select({ s: sessions })
    .from(joinCodes)
    .innerJoin(sessions, eq(sessions.id, joinCodes.sessionId))
    .where(and(eq(joinCodes.code, code), isNull(joinCodes.revokedAt), gt(joinCodes.expiresAt, clock.now())));
  if (!row || row.s.status === 'completed' || row.s.status === 'cancelled') throw dead;
  return row.s;
}
