// Composes one Lectern process for its role: HTTP API + Socket.IO gateway (api), an
// in-process SFU served on the bus (sfu), or both (all). Used by main.ts and by tests.
import { Server as IoServer } from 'socket.io';
import type { FastifyInstance } from 'fastify';
import { buildApp, type RouteModule } from './app.js';
import { attendanceRoutes } from './attendance/routes.js';
import type { Config } from './config.js';
import { Gateway } from './gateway/Gateway.js';
import { notificationRoutes } from './notifications/routes.js';
import { startNotifications } from './notifications/startNotifications.js';
import { codeRoutes } from './rooms/codeRoutes.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
import { sessionRoutes } from './sessions/sessionRoutes.js';
import { SfuClient } from './sfu/SfuClient.js';
import { startSfuHost, type SfuHost } from './sfu/sfuHost.js';

export const API_ROUTES: RouteModule[] = [sessionRoutes, codeRoutes, attendanceRoutes, notificationRoutes];

export interface Lectern {
  runtime: Runtime;
  app: FastifyInstance | undefined;
  io: IoServer | undefined;
  gateway: Gateway | undefined;
  sfuHost: SfuHost | undefined;
  /** Base URL the HTTP server listens on (after listen). */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions extends RuntimeOptions {
  /** Listen on config.port/host (default true). */
  listen?: boolean;
  serveClient?: boolean;
}

const LOCAL_NODE = 'local';

export async function startLectern(config: Config, opts: StartOptions = {}): Promise<Lectern> {
  const runtime = await createRuntime(config, opts);
  const { ctx } = runtime;
  const closers: (() => Promise<void>)[] = [];
  let app: FastifyInstance | undefined;
  let io: IoServer | undefined;
  let gateway: Gateway | undefined;
  let sfuHost: SfuHost | undefined;
  let url = config.publicUrl;
  try {
    if (config.role === 'all' || config.role === 'sfu') {
      sfuHost = await startSfuHost({ config, bus: ctx.bus, logger: ctx.logger, nodeId: LOCAL_NODE });
      const host = sfuHost;
      ctx.readinessChecks.set('sfu', () => (host.node.closed ? Promise.reject(new Error('sfu closed')) : Promise.resolve()));
      closers.push(() => host.close());
    }
    if (config.role === 'all' || config.role === 'api') {
      app = await buildApp(ctx, { routes: API_ROUTES, serveClient: opts.serveClient });
      io = new IoServer(app.server, {
        path: '/socket.io',
        serveClient: false,
        maxHttpBufferSize: 1_000_000,
        pingInterval: 5_000,
        pingTimeout: 5_000,
        connectionStateRecovery: undefined,
      });
      const sfu = new SfuClient(ctx.bus, () => Promise.resolve(LOCAL_NODE));
      gateway = await Gateway.create({ ctx, io, sfu });
      const [a, i, g] = [app, io, gateway];
      closers.push(async () => {
        await g.close();
        await i.close();
        await a.close();
      });
      const notifications = await startNotifications(ctx, { io });
      closers.push(() => notifications.close());
      if (opts.listen ?? true) {
        const address = await app.listen({ port: config.port, host: config.host });
        url = config.port === 0 ? address.replace('[::1]', '127.0.0.1') : config.publicUrl;
      } else {
        await app.ready();
      }
    }
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await runtime.close();
    throw err;
  }
  let closed = false;
  return {
    runtime,
    app,
    io,
    gateway,
    sfuHost,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const c of closers.reverse()) await c().catch((err: unknown) => ctx.logger.warn({ err }, 'close failed'));
      await runtime.close();
    },
  };
}
