// Attendance writes that never break a call. A join or leave is written at once; when the
// database is away (a restart, a crash) the write is kept in memory with the time it
// happened and retried in order, every RETRY_MS, until the database answers again. The call
// itself (signaling, media, peerLeft to the others) never waits for it. Writes kept by a
// process that dies before the database returns are lost; the stale sweep then closes the
// intervals at their last heartbeat, as after any crash.
// The stale sweep waits, after an outage, until every node has had a heartbeat's time to
// heartbeat again: else it would close the intervals of participants still in the call
// (their heartbeats failed too) at the time the database went away.
import { sql } from 'drizzle-orm';
import { isDatabaseUnavailable } from '@lectern/db';
import type { Logger } from '../logger.js';
import { closeStaleIntervals, heartbeat, HEARTBEAT_MS, recordJoin, recordLeave, type AttendanceDeps, type JoinRecord } from './attendance.js';

const RETRY_MS = 1000;

type Write = { what: 'join' | 'leave'; connectionId: string; run: () => Promise<void> };

export class AttendanceJournal {
  readonly #deps: AttendanceDeps;
  readonly #log: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly #queue: Write[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  /** When the database last refused a write, and when it answered again after that. */
  #failedAt: number | undefined;
  #answeredAt: number | undefined;

  constructor(deps: AttendanceDeps & { logger: Pick<Logger, 'info' | 'warn' | 'error'> }) {
    this.#deps = deps;
    this.#log = deps.logger;
  }

  /** Writes kept for a retry. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Never rejects. */
  join(r: JoinRecord): Promise<void> {
    const at = this.#deps.clock.now();
    return this.#write({ what: 'join', connectionId: r.connectionId, run: () => recordJoin(this.#deps, r, at) });
  }

  /** Never rejects. */
  leave(connectionId: string): Promise<void> {
    const at = this.#deps.clock.now();
    return this.#write({ what: 'leave', connectionId, run: () => recordLeave(this.#deps, connectionId, at) });
  }

  /** Keeps the connections' intervals open (lastSeenAt); never rejects. */
  async heartbeat(connectionIds: string[]): Promise<void> {
    await this.flush();
    try {
      // With no connection to keep, a probe still tells when the database is back.
      if (connectionIds.length === 0) await this.#deps.db.execute(sql`select 1`);
      else await heartbeat(this.#deps, connectionIds);
      this.#answered();
    } catch (err) {
      this.#failed();
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'attendance heartbeat failed');
    }
  }

  /**
   * Closes intervals nobody heartbeats any more (connections of a process that died), unless
   * the database was away less than a heartbeat period ago; never rejects. Returns how many it closed.
   */
  async sweep(): Promise<number> {
    const now = this.#deps.clock.now().getTime();
    if (this.#failedAt !== undefined && (this.#answeredAt === undefined || this.#answeredAt < this.#failedAt || now - this.#answeredAt < HEARTBEAT_MS)) return 0;
    try {
      const closed = await closeStaleIntervals(this.#deps);
      if (closed > 0) this.#log.info({ closed }, 'closed attendance intervals of connections no longer seen');
      return closed;
    } catch (err) {
      this.#failed();
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'attendance sweep failed');
      return 0;
    }
  }

  #failed(): void {
    this.#failedAt = this.#deps.clock.now().getTime();
  }

  #answered(): void {
    if (this.#failedAt !== undefined && (this.#answeredAt === undefined || this.#answeredAt < this.#failedAt)) this.#answeredAt = this.#deps.clock.now().getTime();
  }

  async #write(w: Write): Promise<void> {
    // Behind earlier writes still waiting: a leave must not overtake its join.
    if (this.#queue.length > 0) {
      this.#queue.push(w);
      return;
    }
    if (!(await this.#attempt(w))) {
      this.#queue.push(w);
      this.#schedule();
    }
  }

  /** True when done (written, or dropped for an error that a retry cannot fix). */
  async #attempt(w: Write): Promise<boolean> {
    try {
      await w.run();
      this.#answered();
      return true;
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        this.#failed();
        return false;
      }
      this.#log.error({ err, connectionId: w.connectionId }, `attendance ${w.what} could not be written`);
      return true;
    }
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, RETRY_MS);
    this.#timer.unref();
  }

  /** Retries the kept writes in order; stops at the first the database still refuses. */
  flush(): Promise<void> {
    this.#flushing ??= (async () => {
      const before = this.#queue.length;
      while (this.#queue.length > 0) {
        if (!(await this.#attempt(this.#queue[0]!))) break;
        this.#queue.shift();
      }
      if (this.#queue.length > 0) this.#schedule();
      else if (before > 0) this.#log.info({ written: before }, 'attendance kept during a database outage written');
    })().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** One last try, then stops retrying (what is still kept is reported, and lost). */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#queue.length > 0) this.#log.warn({ lost: this.#queue.length }, 'attendance writes not written before shutdown');
  }
}
