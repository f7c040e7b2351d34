// Wires calls into an API process: live events on the /user namespace and the scheduler.
import type { Server } from 'socket.io';
import type { AppContext } from '../context.js';
import { CallScheduler } from './CallScheduler.js';
import { bindCallSockets, unbindCallSockets } from './live.js';

export async function startCalls(ctx: AppContext, opts: { io?: Server; sweep?: boolean }): Promise<{ scheduler: CallScheduler; close(): Promise<void> }> {
  if (opts.io) bindCallSockets(ctx, opts.io);
  const scheduler = await CallScheduler.create(ctx);
  if (opts.sweep ?? true) scheduler.start();
  return {
    scheduler,
    close: async () => {
      await scheduler.close();
      unbindCallSockets(ctx);
    },
  };
}
