// Whether a genuine access token may still be used. Access tokens live
// LECTERN_ACCESS_TOKEN_TTL_SECONDS; a password, role or access change must stop the ones
// already handed out at once. The user row's `tokens_valid_after` is set by that change: a
// token issued before it (whole seconds, so one issued in the same second survives) or any
// token of a disabled or deleted user is refused. Each node reads a user's row at most once
// per CACHE_MS and forgets it when any node announces a change on the bus.
import { eq } from 'drizzle-orm';
import { users, type Database, type Executor } from '@lectern/db';
import type { EventBus } from '../bus/EventBus.js';
import type { Unsubscribe } from '../bus/Bus.js';
import type { Clock } from '../clock.js';
import { UnauthorizedError } from '../errors.js';
import type { VerifiedAccess } from './tokens.js';

export const USER_ACCESS_TOPIC = 'lectern:user-access';
const CACHE_MS = 30_000;
const MAX_ENTRIES = 50_000;

interface Standing {
  active: boolean;
  /** Tokens with iat (seconds) below this are refused. */
  validFromSecond: number;
  readAt: number;
}

/** Stamps the user's cut-off (in the caller's transaction); announce it with `AccessGate.announce` after the commit. */
export async function cutUserTokens(db: Executor, userId: string, now: Date): Promise<void> {
  await db.update(users).set({ tokensValidAfter: now }).where(eq(users.id, userId));
}

export class AccessGate {
  readonly #cache = new Map<string, Standing>();
  /** Bumped by every change, so a read that raced with one is not cached. */
  #epoch = 0;
  #unsubscribe: Unsubscribe | undefined;

  constructor(private readonly deps: { db: Database; bus: EventBus; clock: Clock }) {}

  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.bus.subscribe(USER_ACCESS_TOPIC, (m) => this.#forget(m.userId));
  }

  async close(): Promise<void> {
    await this.#unsubscribe?.();
    this.#cache.clear();
  }

  /** Tells every node (this one included) to re-read the user. */
  async announce(userId: string): Promise<void> {
    this.#forget(userId);
    await this.deps.bus.publish(USER_ACCESS_TOPIC, { userId });
  }

  /** Throws 401 unless the token's user is active and the token was issued after their last cut-off. */
  async check(claims: Pick<VerifiedAccess, 'userId' | 'issuedAt'>): Promise<void> {
    const standing = await this.#standing(claims.userId);
    if (!standing.active || claims.issuedAt < standing.validFromSecond) {
      throw new UnauthorizedError('This sign-in has ended: please sign in again');
    }
  }

  #forget(userId: string): void {
    this.#epoch += 1;
    this.#cache.delete(userId);
  }

  async #standing(userId: string): Promise<Standing> {
    const now = this.deps.clock.now().getTime();
    const cached = this.#cache.get(userId);
    if (cached && now - cached.readAt < CACHE_MS) return cached;
    const epoch = this.#epoch;
    const [row] = await this.deps.db.select({ disabled: users.disabled, after: users.tokensValidAfter }).from(users).where(eq(users.id, userId));
    const standing: Standing = { active: row !== undefined && !row.disabled, validFromSecond: row?.after ? Math.floor(row.after.getTime() / 1000) : 0, readAt: now };
    if (epoch !== this.#epoch) return standing; // a change arrived meanwhile: use it, do not keep it
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
    this.#cache.set(userId, standing);
    return standing;
  }
}
