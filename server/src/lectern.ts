// Composes one Lectern process for its role: HTTP API + Socket.IO gateway (api), an
// in-process SFU served on the bus (sfu), or both (all). Used by main.ts and by tests.
import { bindUserSockets, unbindUserSockets } from './auth/signOut.js';
import { startCalls } from './calls/startCalls.js';
import { Server as IoServer } from 'socket.io';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { buildApp } from './app.js';
import { startBookingSweeper } from './bookings/sweeper.js';
import { startChatDigest } from './chat/digest.js';
import { attachChatNamespace } from './chat/socket.js';
import type { ApiServices } from './routes.js';
import { attachRedisAdapter, DrainState, sfuNodeId, startApiCluster, startSfuAnnouncer, waitUntilEmpty } from './cluster/cluster.js';
import type { SfuAnnouncer } from './cluster/SfuAnnouncer.js';
import { turnIceServers } from './cluster/turn.js';
import type { Config } from './config.js';
import { healthRoutes } from './http/healthRoutes.js';
import { createMetrics, type MetricsSources } from './metrics/metrics.js';
import metricsPlugin from './metrics/metricsPlugin.js';
import { Gateway } from './gateway/Gateway.js';
import { roomKey } from './gateway/types.js';
import { startNotifications } from './notifications/startNotifications.js';
import { ReadinessError } from './errors.js';
import { announceSetup } from './setup/service.js';
import { Recorder } from './recording/Recorder.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
import { controlHandler } from './control/commands.js';
import { startControlServer } from './control/server.js';
import { SfuClient } from './sfu/SfuClient.js';
import { startSfuHost, type SfuHost } from './sfu/sfuHost.js';


export interface Lectern {
  runtime: Runtime;
  app: FastifyInstance | undefined;
  io: IoServer | undefined;
  gateway: Gateway | undefined;
  sfuHost: SfuHost | undefined;
  /** Services of the API role (empty on an SFU-only node). */
  services: ApiServices;
  /** Base URL the HTTP server listens on (after listen). */
  url: string;
  /** Drains (SIGTERM): readiness false, no new rooms; resolves when empty or after the drain time-out. */
  drain(): Promise<'empty' | 'timeout'>;
  close(): Promise<void>;
}

export interface StartOptions extends RuntimeOptions {
  /** Listen on config.port/host (default true). */
  listen?: boolean;
  serveClient?: boolean;
}

export async function startLectern(config: Config, opts: StartOptions = {}): Promise<Lectern> {
  const runtime = await createRuntime(config, opts);
  const { ctx } = runtime;
  const closers: (() => Promise<void>)[] = [];
  let app: FastifyInstance | undefined;
  let io: IoServer | undefined;
  let gateway: Gateway | undefined;
  let sfuHost: SfuHost | undefined;
  let services: ApiServices = {};
  let url = config.publicUrl;
  let announcer: SfuAnnouncer | undefined;
  // Read on scrape only; the parts fill in their sources as they start.
  const sources: MetricsSources = {};
  const metrics = config.metricsToken === undefined ? undefined : createMetrics(ctx, sources);
  const drainState = new DrainState();
  ctx.readinessChecks.set('drain', drainState.readinessCheck);
  try {
    if (config.role === 'all' || config.role === 'sfu') {
      sfuHost = await startSfuHost({ config, bus: ctx.bus, logger: ctx.logger, nodeId: sfuNodeId(config) });
      const host = sfuHost;
      sources.sfu = host.node;
      ctx.readinessChecks.set('sfu', () => (host.node.closed ? Promise.reject(new ReadinessError('sfu closed')) : Promise.resolve()));
      closers.push(() => host.close());
      if (runtime.redis) {
        const a = (announcer = await startSfuAnnouncer(config, runtime.redis, host, ctx.logger));
        closers.push(() => a.close());
      }
    }
    if (config.role === 'sfu') {
      // Media-only node: a small HTTP server for liveness/readiness probes.
      app = Fastify({ logger: false });
      app.setValidatorCompiler(validatorCompiler);
      app.setSerializerCompiler(serializerCompiler);
      await app.register(metricsPlugin, { token: config.metricsToken, metrics });
      await app.register(healthRoutes, { ctx });
      const a = app;
      closers.push(() => a.close());
      if (opts.listen ?? true) url = (await app.listen({ port: config.port, host: config.host })).replace('[::1]', '127.0.0.1');
      else await app.ready();
    }
    if (config.role === 'all' || config.role === 'api') {
      const cluster = await startApiCluster(config, runtime.redis, ctx.bus, ctx.logger);
      closers.push(() => cluster.close());
      const sfu = new SfuClient(ctx.bus, cluster.routing);
      await cluster.attach(sfu);
      let gw: Gateway | undefined;
      const recorder = await Recorder.create({
        ctx,
        sfu,
        notify: (sessionId, recording, recordingId) => gw?.nsp.to(roomKey(sessionId)).emit('recordingChanged', { recording, recordingId }),
      });
      services = { recorder, sfu };
      app = await buildApp(ctx, { services, serveClient: opts.serveClient, metrics });
      io = new IoServer(app.server, {
        path: '/socket.io',
        serveClient: false,
        maxHttpBufferSize: 1_000_000,
        pingInterval: 5_000,
        pingTimeout: 5_000,
        connectionStateRecovery: undefined,
      });
      const server = io;
      sources.namespaces = () => server._nsps;
      bindUserSockets(ctx, io);
      closers.push(() => Promise.resolve(unbindUserSockets(ctx)));
      const detachAdapter = runtime.redis ? attachRedisAdapter(io, config, ctx.logger) : () => Promise.resolve();
      closers.push(detachAdapter);
      gateway = gw = await Gateway.create({
        ctx,
        io,
        sfu,
        iceServers: turnIceServers(config.turn, ctx.clock),
        recording: (action, sessionId, userId) => (action === 'start' ? recorder.start(sessionId, userId) : recorder.stop(sessionId)),
        isRecording: (sessionId) => recorder.isRecording(sessionId),
      });
      const [a, i, g] = [app, io, gateway];
      closers.push(async () => {
        await g.close();
        await i.close();
        await a.close();
      });
      closers.push(() => recorder.close()); // runs first: finalise recordings while the SFU is up
      const chat = attachChatNamespace(ctx, io);
      closers.push(async () => chat.close());
      closers.push(startChatDigest(ctx));
      const notifications = await startNotifications(ctx, { io });
      sources.reminders = notifications.reminders;
      closers.push(() => notifications.close());
      const sweeper = startBookingSweeper(ctx);
      closers.push(() => sweeper.close());
      const calls = await startCalls(ctx, { io });
      closers.push(() => calls.close());
      if (opts.listen ?? true) {
        const address = await app.listen({ port: config.port, host: config.host });
        url = config.port === 0 ? address.replace('[::1]', '127.0.0.1') : config.publicUrl;
      } else {
        await app.ready();
      }
      await announceSetup(ctx, url);
    }
    // The embedded database this process opened is closed to every other process: the CLI works through this socket.
    if (!opts.db && ctx.dbHandle.kind === 'pglite') {
      // Not fatal: without it the CLI says the server holds the database and its socket did not answer.
      const control = await startControlServer({ dataDir: config.dataDir, logger: ctx.logger, handle: controlHandler(ctx) }).catch((err: unknown) => {
        ctx.logger.warn({ err }, 'no control socket: the CLI cannot work through this server');
        return undefined;
      });
      if (control) closers.push(() => control.close()); // runs first on close
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
    services,
    url,
    drain: async () => {
      drainState.start();
      const timeoutMs = config.cluster.drainTimeoutSeconds * 1000;
      ctx.logger.info({ timeoutMs }, 'draining');
      const nsp = io?.of('/rtc');
      const waits: Promise<'empty' | 'timeout'>[] = [];
      if (announcer) waits.push(announcer.drain(timeoutMs));
      if (nsp) waits.push(waitUntilEmpty(() => nsp.sockets.size === 0, timeoutMs));
      const results = await Promise.all(waits);
      return results.includes('timeout') ? 'timeout' : 'empty';
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const c of closers.reverse()) await c().catch((err: unknown) => ctx.logger.warn({ err }, 'close failed'));
      await runtime.close();
    },
  };
}
