// Outbox dispatcher. Claims due rows with SELECT ... FOR UPDATE SKIP LOCKED in a short
// transaction and leases them (status 'sending', locked_until), sends outside the
// transaction, then marks each row sent, retried with exponential backoff, or dead.
// A dispatcher that dies mid-batch leaves leased rows that any dispatcher re-claims once
// the lease has passed, so nothing is lost; several dispatchers never claim the same row.
// When the database goes away mid-batch, the marks of rows already sent are kept in memory
// and written (fenced by the lease, as always) before the next claim: a database restart
// under a running dispatcher sends nothing twice.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { isDatabaseUnavailable, notificationOutbox as o, type Database, type NotificationChannel, type OutboxStatus } from '@lectern/db';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { render } from './templates.js';
import { SendError, type Channel, type OutboxRow } from './types.js';

export interface DispatcherOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  channels: Record<NotificationChannel, Channel>;
  publicUrl: string;
  batchSize?: number;
  /** Sends in flight at once within a batch. */
  concurrency?: number;
  leaseMs: number;
  maxAttempts: number;
  /** First retry delay; doubles with every attempt. */
  backoffMs: number;
  id?: string;
}

export interface TickResult {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  skipped: number;
}

export class Dispatcher {
  readonly id: string;
  readonly #o: Required<Omit<DispatcherOptions, 'id'>>;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #closed = false;
  /** Marks that failed because the database was away: written before the next claim. */
  readonly #unmarked: { row: OutboxRow; values: Partial<typeof o.$inferInsert> }[] = [];
  #databaseAway = false;

  private constructor(opts: DispatcherOptions) {
    this.id = opts.id ?? `dispatcher-${randomUUID().slice(0, 8)}`;
    this.#o = { batchSize: 50, concurrency: 8, ...opts };
    this.#log = opts.logger.child({ dispatcher: this.id });
  }

  static create(opts: DispatcherOptions): Promise<Dispatcher> {
    return Promise.resolve(new Dispatcher(opts));
  }

  /** Claims one batch of due rows (a lease, committed at once). */
  async claim(): Promise<OutboxRow[]> {
    const now = this.#o.clock.now();
    return this.#o.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: o.id })
        .from(o)
        .where(
          or(
            and(eq(o.status, 'pending'), or(isNull(o.nextAttemptAt), lte(o.nextAttemptAt, now))),
            and(eq(o.status, 'sending'), lte(o.lockedUntil, now)),
          ),
        )
        .orderBy(asc(o.createdAt))
        .limit(this.#o.batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(o)
        .set({
          status: 'sending',
          lockedUntil: new Date(now.getTime() + this.#o.leaseMs),
          lockedBy: this.id,
          attempts: sql`${o.attempts} + 1`,
          updatedAt: now,
        })
        .where(inArray(
          o.id,
          due.map((r) => r.id),
        ))
        .returning();
    });
  }

  /** Claims and delivers one batch (after writing the marks an outage held back). */
  async tick(): Promise<TickResult> {
    await this.#writeUnmarked();
    return this.deliverAll(await this.claim());
  }

  /** Marks held back by a database outage (each is sent; without its mark it would be sent again). */
  get unmarked(): number {
    return this.#unmarked.length;
  }

  async #writeUnmarked(): Promise<void> {
    while (this.#unmarked.length > 0) {
      const { row, values } = this.#unmarked[0]!;
      await this.#mark(row, values);
      this.#unmarked.shift();
    }
  }

  /** Delivers claimed rows, a few at a time. */
  async deliverAll(rows: OutboxRow[]): Promise<TickResult> {
    const result: TickResult = { claimed: rows.length, sent: 0, retried: 0, dead: 0, skipped: 0 };
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < rows.length && !failed) {
        const row = rows[next++]!;
        const status = await this.#deliver(row).catch((err: unknown) => {
          failed = true; // no worker takes another row: the rest of the batch waits for its lease
          throw err;
        });
        if (status === 'sent') result.sent++;
        else if (status === 'pending') result.retried++;
        else if (status === 'dead') result.dead++;
        else result.skipped++;
      }
    };
    // Settles only when every send in flight has: their marks are written or held back by then.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(this.#o.concurrency, rows.length) }, worker));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    return result;
  }

  /** Ticks until nothing is due (tests, shutdown drains). */
  async drain(): Promise<TickResult> {
    const total: TickResult = { claimed: 0, sent: 0, retried: 0, dead: 0, skipped: 0 };
    for (;;) {
      const r = await this.tick();
      if (r.claimed === 0) return total;
      for (const k of Object.keys(total) as (keyof TickResult)[]) total[k] += r[k];
    }
  }

  async #deliver(row: OutboxRow): Promise<OutboxStatus> {
    const now = this.#o.clock.now();
    const channel = this.#o.channels[row.channel];
    if (row.attempts > this.#o.maxAttempts) return this.#finish(row, 'dead', { lastError: 'lease expired on every attempt' });
    const expiresAt = typeof row.payload.expiresAt === 'string' ? new Date(row.payload.expiresAt) : undefined;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) return this.#finish(row, 'skipped', { lastError: 'stale: expired before delivery' });
    if (!channel.enabled) return this.#finish(row, 'skipped', { lastError: `${row.channel} is not configured` });
    try {
      const out = await channel.send(row, render(row, { publicUrl: this.#o.publicUrl, now }));
      if (out.status === 'skipped') return this.#finish(row, 'skipped', { lastError: out.reason });
      return this.#finish(row, 'sent', { sentAt: this.#o.clock.now() });
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message, true);
      const payload = e.progress ? { ...row.payload, ...e.progress } : undefined;
      if (!e.retryable || row.attempts >= this.#o.maxAttempts) {
        this.#log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, err: e.message }, 'notification dead-lettered');
        return this.#finish(row, 'dead', { lastError: e.message, ...(payload ? { payload } : {}) });
      }
      const delay = this.#o.backoffMs * 2 ** (row.attempts - 1);
      return this.#finish(row, 'pending', {
        lastError: e.message,
        nextAttemptAt: new Date(this.#o.clock.now().getTime() + delay),
        ...(payload ? { payload } : {}),
      });
    }
  }

  async #finish(row: OutboxRow, status: OutboxStatus, extra: Partial<typeof o.$inferInsert>): Promise<OutboxStatus> {
    const values = { status, lockedUntil: null, lockedBy: null, updatedAt: this.#o.clock.now(), ...extra };
    try {
      await this.#mark(row, values);
    } catch (err) {
      // Kept for the next tick.
      if (isDatabaseUnavailable(err)) this.#unmarked.push({ row, values });
      throw err;
    }
    return status;
  }

  /** Fenced by the lease holder: if our lease was lost and the row re-claimed, leave it be. */
  async #mark(row: OutboxRow, values: Partial<typeof o.$inferInsert>): Promise<void> {
    await this.#o.db
      .update(o)
      .set(values)
      .where(and(eq(o.id, row.id), eq(o.status, 'sending'), eq(o.lockedBy, this.id)));
  }

  /** Polls every `pollMs`; a full batch is followed at once by the next. */
  start(pollMs: number): void {
    if (this.#closed || this.#timer) return;
    const loop = async () => {
      let full = false;
      try {
        const r = await this.tick();
        full = r.claimed >= this.#o.batchSize;
        if (this.#databaseAway) this.#log.info('database back: dispatching again');
        this.#databaseAway = false;
      } catch (err) {
        // An outage is logged once, not at every poll; the loop keeps polling until it ends.
        if (!isDatabaseUnavailable(err)) this.#log.error({ err }, 'dispatch failed');
        else if (!this.#databaseAway) this.#log.warn({ err: (err as Error).message, unmarked: this.#unmarked.length }, 'database unavailable: dispatch paused');
        this.#databaseAway ||= isDatabaseUnavailable(err);
      }
      if (!this.#closed) this.#timer = setTimeout(run, full ? 0 : pollMs);
    };
    const run = () => {
      this.#running = loop();
    };
    this.#timer = setTimeout(run, 0);
  }

  /** Idempotent: stops polling and waits for the batch in flight. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
