// Settles past meetings in the background (every minute, on each API node; the update is
// conditional, so nodes racing each other change a booking once). Lists settle on read too.
import type { AppContext } from '../context.js';
import { settleDue } from './meetingService.js';

export function startBookingSweeper(ctx: AppContext, intervalMs = 60_000): { close(): Promise<void> } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    settleDue(ctx.db, ctx.clock.now(), ctx.config.bookings.noShowGraceMinutes)
      .catch((err: unknown) => ctx.logger.warn({ err }, 'booking sweep failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    close: () => {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}
