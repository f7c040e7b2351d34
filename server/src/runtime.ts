// Wires one process: database, counters, tokens. Shared by main.ts, the CLI and tests.
import { readFileSync } from 'node:fs';
import { createDb, type Db } from '@lectern/db';
import { Redis, type RedisOptions } from 'ioredis';
import { resolveJwtSecret } from './auth/secrets.js';
import { passwordHashGate } from './auth/passwords.js';
import { AccessGate } from './auth/accessGate.js';
import { TokenService } from './auth/tokens.js';
import type { Bus } from './bus/Bus.js';
import { EventBus } from './bus/EventBus.js';
import { MemoryBus } from './bus/MemoryBus.js';
import { RedisBus } from './bus/RedisBus.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './infra/counters.js';
import { closeRedis } from './infra/closeRedis.js';
import { createLogger, type Logger } from './logger.js';
import { ensureFirstAdmin } from './users/userService.js';

export interface Runtime {
  ctx: AppContext;
  redis: Redis | undefined;
  /** Closes what the runtime opened, in reverse order. Idempotent. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  db?: Db;
  bus?: Bus;
}

export function createRedis(url: string, logger: Logger, name: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: `lectern-${name}`,
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  });
  redis.on('error', (err: Error) => logger.warn({ err: err.message, name }, 'redis connection error'));
  return redis;
}

/**
 * For connections that enter subscriber mode: ioredis's INFO ready check can race a
 * resubscription on (re)connect and crash the process ("Connection in subscriber mode").
 */
export const SUBSCRIBER_OPTIONS: RedisOptions = { enableReadyCheck: false };

/** Connection options from the config: password and TLS come with the redis(s):// URL, a private CA from a file. */
export function redisOptions(config: Config): RedisOptions {
  const ca = config.cluster.redisTlsCaFile;
  return ca && config.redisUrl?.startsWith('rediss://') ? { tls: { ca: readFileSync(ca) } } : {};
}

export async function createRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const secret = resolveJwtSecret(config);
  passwordHashGate.configure(config.auth.hashConcurrency, config.auth.hashQueue);
  const dbHandle = opts.db ?? (await createDb({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite`, pgliteSharedBuffers: config.pgliteSharedBuffers }));
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger, 'main', redisOptions(config)) : undefined;
  // `rlw:` (windows as hashes) and not the older `rl:` (plain INCR keys), so nodes of both versions never read each other's keys.
  const counters: CounterStore = redis ? new RedisCounterStore(redis, clock, `${config.cluster.redisPrefix}lectern:rlw:`) : new MemoryCounterStore(clock);
  const tokens = new TokenService({
    secret,
    clock,
    accessTtlSeconds: config.auth.accessTokenTtlSeconds,
    roomTtlSeconds: config.auth.roomTokenTtlSeconds,
  });
  const transport: Bus =
    opts.bus ??
    (redis && config.redisUrl
      ? await RedisBus.create({ pub: redis, sub: createRedis(config.redisUrl, logger, 'bus-sub', { ...redisOptions(config), ...SUBSCRIBER_OPTIONS }), logger, prefix: config.cluster.redisPrefix })
      : new MemoryBus());
  const bus = new EventBus(transport, logger);
  const readinessChecks = new Map<string, () => Promise<void>>();
  if (redis) {
    readinessChecks.set('redis', async () => {
      await redis.ping();
    });
  }
  const admin = await ensureFirstAdmin(dbHandle.db, {
    email: config.auth.adminEmail,
    password: config.auth.adminPassword,
    scryptLogN: config.auth.scryptLogN,
  });
  if (admin) logger.info({ email: admin.email }, 'created the first admin');

  const accessGate = new AccessGate({ db: dbHandle.db, bus, clock });
  await accessGate.start();
  const ctx: AppContext = { config, dbHandle, db: dbHandle.db, logger, clock, counters, tokens, accessGate, bus, readinessChecks };
  let closed = false;
  return {
    ctx,
    redis,
    close: async () => {
      if (closed) return;
      closed = true;
      await accessGate.close();
      if (!opts.bus) await bus.close();
      if (redis) await closeRedis(redis);
      if (!opts.db) await dbHandle.close();
    },
  };
}
