// Drives call time: ring time-outs and the idle end, swept on an interval by every API node
// (each step claims rows atomically, so nodes never double-act) and callable directly in
// tests with a ManualClock: `await scheduler.sweep()`. Also ends the call when its session
// ends, whoever ended it, by listening to the session events on the bus.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { calls, conversations } from '@lectern/db';
import type { Unsubscribe } from '../bus/Bus.js';
import type { AppContext } from '../context.js';
import { endSession, SESSION_EVENTS_TOPIC } from '../sessions/sessionService.js';
import { answeredInRoom, claimRingTimeouts, closeRinging, finishCallOfSession, idleCalls } from './outcomes.js';

export interface SweepResult {
  /** Ringing members found already in the room (joined from another tab): answered. */
  joined: number;
  timedOut: number;
  missed: number;
  ended: number;
}

const SessionEnded = z.object({ type: z.literal('ended'), sessionId: z.string() });

export class CallScheduler {
  readonly #ctx: AppContext;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #inFlight: Promise<SweepResult> | undefined;
  #closed = false;

  private constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  /** Listens for session ends on the bus; `start()` adds the periodic sweep. */
  static async create(ctx: AppContext): Promise<CallScheduler> {
    const s = new CallScheduler(ctx);
    s.#unsubscribe = await ctx.bus.subscribe(SESSION_EVENTS_TOPIC, (message) => {
      const m = SessionEnded.safeParse(message);
      if (m.success) void s.#sessionEnded(m.data.sessionId);
    });
    return s;
  }

  #sessionEnded(sessionId: string): Promise<void> {
    return finishCallOfSession(this.#ctx, sessionId).then(
      () => undefined,
      (err: unknown) => this.#ctx.logger.error({ err, sessionId }, 'finishing a call failed'),
    );
  }

  /** One sweep at the clock's now; overlapping calls share the sweep in flight. */
  sweep(): Promise<SweepResult> {
    this.#inFlight ??= this.#sweep().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #sweep(): Promise<SweepResult> {
    const ctx = this.#ctx;
    const now = ctx.clock.now();
    const result: SweepResult = { joined: (await answeredInRoom(ctx, now)).length, timedOut: 0, missed: 0, ended: 0 };
    for (const call of await claimRingTimeouts(ctx, now)) {
      result.timedOut++;
      result.missed += (await closeRinging(ctx, call, 'timeout')).length;
      if (call.status !== 'ringing') continue;
      const [conv] = await ctx.db.select({ kind: conversations.kind }).from(conversations).where(eq(conversations.id, call.conversationId));
      if (conv?.kind === 'direct') {
        // Nobody answered a direct call: it ends by itself.
        const [row] = await ctx.db.update(calls).set({ status: 'missed', endedAt: now }).where(and(eq(calls.id, call.id), eq(calls.status, 'ringing'))).returning();
        if (row) {
          await endSession(ctx, row.sessionId);
          result.ended++;
        }
      } else {
        // A group call stays open until its host ends it (or the idle end).
        await ctx.db.update(calls).set({ status: 'live' }).where(and(eq(calls.id, call.id), eq(calls.status, 'ringing')));
      }
    }
    for (const call of await idleCalls(ctx, now)) {
      await endSession(ctx, call.sessionId);
      // The bus may deliver the end to this node's listener first; either way it runs once.
      await finishCallOfSession(ctx, call.sessionId);
      result.ended++;
    }
    return result;
  }

  start(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.#ctx.logger.error({ err }, 'call sweep failed'));
    }, this.#ctx.config.calls.sweepMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#unsubscribe?.();
    await this.#inFlight?.catch(() => undefined);
  }
}
