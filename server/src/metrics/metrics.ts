// Lectern's Prometheus registry, one per process (tests run several in one process, so
// never prom-client's global registry). Everything but the HTTP histogram is read on
// scrape by collect() callbacks, so a process nobody scrapes pays nothing; what needs a
// query or a worker round trip is read once per scrape and bounded by a short timeout.
import { sql } from 'drizzle-orm';
import { withDeadline } from '../infra/deadline.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { notificationOutbox, rowsOf } from '@lectern/db';
import type { WorkerStats } from '@lectern/sfu';
import type { AppContext } from '../context.js';
import { METRIC_PREFIX } from './names.js';

/** Where the live numbers come from; filled in by lectern.ts as the parts start (absent parts report nothing). */
export interface MetricsSources {
  /** Socket.IO namespaces of this process (name -> connected sockets). */
  namespaces?: () => Iterable<[string, { sockets: { size: number } }]>;
  /** The in-process SFU node (roles all and sfu). */
  sfu?: { workerStats(): Promise<WorkerStats[]> };
  /** The reminder scheduler (API roles). */
  reminders?: { readonly lastScanAt: Date | undefined };
}

export interface LecternMetrics {
  readonly sources: MetricsSources;
  readonly contentType: string;
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void;
  /** One scrape in the Prometheus text format. */
  render(): Promise<string>;
}

/** How long a scrape waits for the database, Redis or the SFU before reporting the value as unknown. */
export const COLLECT_TIMEOUT_MS = 1000;

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(ctx: AppContext, sources: MetricsSources = {}): LecternMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  // Several metrics share one SFU or database read per scrape.
  let scrape = 0;
  const perScrape = <T>(read: () => Promise<T>) => {
    let cached: { scrape: number; value: Promise<T | undefined> } | undefined;
    return () => {
      if (cached?.scrape !== scrape) cached = { scrape, value: withTimeout(read()).catch(() => undefined) };
      return cached.value;
    };
  };

  const http = new Histogram({
    name: 'lectern_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status class',
    labelNames: ['method', 'route', 'status_class'],
    buckets: HTTP_BUCKETS,
    registers,
  });

  new Gauge({
    name: 'lectern_socketio_sockets',
    help: 'Open Socket.IO connections on this process, by namespace',
    labelNames: ['namespace'],
    registers,
    collect() {
      this.reset();
      for (const [name, nsp] of sources.namespaces?.() ?? []) this.set({ namespace: name }, nsp.sockets.size);
    },
  });

  const workerStats = perScrape(async () => (sources.sfu ? sources.sfu.workerStats() : []));
  for (const field of ['rooms', 'peers', 'producers', 'consumers'] as const) {
    new Gauge({
      name: `lectern_sfu_${field}`,
      help: `${field[0]!.toUpperCase()}${field.slice(1)} on each mediasoup worker of this node`,
      labelNames: ['worker'],
      registers,
      async collect() {
        this.reset();
        for (const w of (await workerStats()) ?? []) this.set({ worker: String(w.index) }, w[field]);
      },
    });
  }
  new Gauge({
    name: 'lectern_sfu_worker_io_uring',
    help: 'Whether each mediasoup worker sends through io_uring (1) or one system call per packet (0)',
    labelNames: ['worker'],
    registers,
    async collect() {
      this.reset();
      for (const w of (await workerStats()) ?? []) this.set({ worker: String(w.index) }, w.ioUring ? 1 : 0);
    },
  });
  new Counter({
    name: 'lectern_sfu_worker_cpu_seconds_total',
    help: 'CPU time used by each mediasoup worker process (getResourceUsage), by mode',
    labelNames: ['worker', 'mode'],
    registers,
    async collect() {
      // A counter read from the worker: replaced wholesale on each scrape (it restarts at 0 with a new worker).
      this.reset();
      for (const w of (await workerStats()) ?? []) {
        if (!w.cpu) continue;
        this.inc({ worker: String(w.index), mode: 'user' }, w.cpu.userSeconds);
        this.inc({ worker: String(w.index), mode: 'system' }, w.cpu.systemSeconds);
      }
    },
  });

  const outbox = perScrape(async () => {
    const result = await ctx.db.execute(
      sql`select count(*)::int as depth, min(${notificationOutbox.createdAt}) as oldest from ${notificationOutbox} where ${notificationOutbox.status} = 'pending'`,
    );
    const row = rowsOf<{ depth: number | string; oldest: string | Date | null }>(result)[0];
    const oldest = row?.oldest ? new Date(row.oldest) : undefined;
    return { depth: Number(row?.depth ?? 0), ageSeconds: oldest ? Math.max(0, (ctx.clock.now().getTime() - oldest.getTime()) / 1000) : 0 };
  });
  new Gauge({
    name: 'lectern_outbox_pending',
    help: 'Notification outbox rows waiting to be sent (NaN: the database did not answer in time)',
    registers,
    async collect() {
      this.set((await outbox())?.depth ?? NaN);
    },
  });
  new Gauge({
    name: 'lectern_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending outbox row (0 when none)',
    registers,
    async collect() {
      this.set((await outbox())?.ageSeconds ?? NaN);
    },
  });

  new Gauge({
    name: 'lectern_reminder_last_scan_age_seconds',
    help: 'Seconds since the reminder scan last finished (it runs every minute; NaN before the first)',
    registers,
    collect() {
      const last = sources.reminders?.lastScanAt;
      this.set(last ? Math.max(0, (ctx.clock.now().getTime() - last.getTime()) / 1000) : NaN);
    },
  });

  upGauge(registry, 'lectern_database_up', 'Whether the database answered a ping within the collect time-out', () => ctx.dbHandle.ping());
  const redisCheck = ctx.readinessChecks.get('redis');
  if (redisCheck) upGauge(registry, 'lectern_redis_up', 'Whether Redis answered a ping within the collect time-out', redisCheck);

  return {
    sources,
    contentType: registry.contentType,
    observeHttp: (method, route, statusCode, seconds) => {
      http.observe({ method, route, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    render: () => {
      scrape += 1;
      return registry.metrics();
    },
  };
}

/** The same probe the readiness check runs, read on scrape: 1 up, 0 down or too slow. */
function upGauge(registry: Registry, name: string, help: string, check: () => Promise<void>): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await withTimeout(check()).then(
        () => 1,
        () => 0,
      ));
    },
  });
}

const withTimeout = <T>(p: Promise<T>, ms = COLLECT_TIMEOUT_MS): Promise<T> => withDeadline(p, ms, () => new Error('timed out'));
