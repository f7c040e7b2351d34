// The one place that reads the environment. Every other module receives the frozen
// Config built here.
import { cpus, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { PG_SIZE_PATTERN, PGLITE_SHARED_BUFFERS } from '@lectern/db';
import { z } from 'zod';
import { SECRET_HINT, weakSecretReason, type SecretRule } from './secretStrength.js';
import { parseTrustProxy, TRUST_PROXY_HINT, type TrustProxy } from './http/trustProxy.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const MAX_REMINDER_OFFSET_MINUTES = 7 * 24 * 60;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LECTERN_ROLE: z.enum(['all', 'api', 'sfu']).default('all'),
  LECTERN_DATA_DIR: z.string().min(1).default('./data'),
  LECTERN_PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  ),
  LECTERN_PGLITE_SHARED_BUFFERS: z.string().regex(PG_SIZE_PATTERN, 'a Postgres size such as 16MB (kB, MB or GB)').default(PGLITE_SHARED_BUFFERS),
  REDIS_URL: z.preprocess(emptyToUndefined, z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional()),
  LECTERN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LECTERN_JWT_SECRET: optionalString,
  LECTERN_ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().optional()),
  LECTERN_ADMIN_PASSWORD: optionalString,
  LECTERN_ACCESS_TOKEN_TTL_SECONDS: int(60, 3600).default(900),
  LECTERN_REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(30),
  LECTERN_ROOM_TOKEN_TTL_SECONDS: int(60, 3600).default(600),
  LECTERN_CODE_TTL_MINUTES: int(1, 7 * 24 * 60).default(60),
  LECTERN_CODE_GRACE_MINUTES: int(0, 24 * 60).default(30),
  LECTERN_LOGIN_MAX_FAILURES: int(1, 100).default(5),
  LECTERN_LOGIN_WINDOW_SECONDS: int(10, 86400).default(900),
  LECTERN_LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 100_000).default(50),
  LECTERN_LOGIN_RATE_PER_IP: int(1, 100_000).default(60),
  LECTERN_LOGIN_RATE_GLOBAL: int(1, 1_000_000).default(1200),
  LECTERN_LOGIN_RATE_WINDOW_SECONDS: int(1, 3600).default(60),
  LECTERN_HASH_CONCURRENCY: int(1, 64).default(2),
  LECTERN_HASH_QUEUE: int(0, 10_000).default(32),
  LECTERN_JOIN_RATE_PER_IP: int(1, 100000).default(20),
  LECTERN_JOIN_RATE_GLOBAL: int(1, 1000000).default(600),
  LECTERN_JOIN_RATE_WINDOW_SECONDS: int(1, 3600).default(60),
  LECTERN_SCRYPT_LOG_N: int(14, 20).default(17),
  LECTERN_SFU_WORKERS: int(1, 64).optional(),
  LECTERN_SFU_IO_URING: z.enum(['on', 'off']).default('on'),
  LECTERN_RTC_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
  LECTERN_RTC_ANNOUNCED_ADDRESS: optionalString,
  LECTERN_RTC_PORT_BASE: int(1024, 65000).default(40000),
  LECTERN_ROOM_MAX_PARTICIPANTS: int(2, 1000).default(50),
  LECTERN_ROOM_PEERS_PER_ROUTER: int(1, 10_000).default(150),
  LECTERN_CLIENT_DIST: optionalString,
  LECTERN_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => parseTrustProxy(v) ?? (ctx.addIssue({ code: 'custom', message: TRUST_PROXY_HINT }), z.NEVER)),
  LECTERN_SMTP_URL: z.preprocess(emptyToUndefined, z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  LECTERN_SMTP_TLS_CA_FILE: optionalString,
  LECTERN_MAIL_FROM: z.string().min(3).default('Lectern <lectern@localhost>'),
  LECTERN_VAPID_PUBLIC_KEY: optionalString,
  LECTERN_VAPID_PRIVATE_KEY: optionalString,
  LECTERN_PUSH_ALLOW_PRIVATE_ENDPOINTS: z.enum(['1', '0', 'true', 'false']).default('false').transform((v) => v === '1' || v === 'true'),
  LECTERN_VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL').default('mailto:lectern@localhost'),
  // Unset or empty: 15. At most a week ahead: a reminder further out reaches nobody usefully.
  LECTERN_REMINDER_OFFSETS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\s*\d{1,5}(\s*,\s*\d{1,5})*\s*$/, 'comma-separated minutes, e.g. 15 or 60,15')
      .refine((v) => v.split(',').every((m) => Number(m.trim()) <= MAX_REMINDER_OFFSET_MINUTES), `each offset at most ${MAX_REMINDER_OFFSET_MINUTES} minutes (a week)`)
      .default('15'),
  ),
  LECTERN_OUTBOX_MAX_ATTEMPTS: int(1, 50).default(6),
  LECTERN_OUTBOX_BACKOFF_SECONDS: int(1, 3600).default(30),
  LECTERN_OUTBOX_LEASE_SECONDS: int(5, 3600).default(60),
  LECTERN_OUTBOX_POLL_MS: int(50, 60_000).default(1000),
  LECTERN_LATE_GRACE_MINUTES: int(0, 240).default(5),
  LECTERN_BOOKING_NO_SHOW_GRACE_MINUTES: int(0, 1440).default(15),
  LECTERN_BOOKING_RATE_PER_IP: int(1, 1_000_000).default(20),
  LECTERN_RING_TIMEOUT_SECONDS: int(1, 600).default(45),
  LECTERN_CALL_IDLE_MINUTES: int(1, 1440).default(30),
  LECTERN_CALL_SWEEP_MS: int(50, 60_000).default(1000),
  // ---- many nodes (Redis bus, SFU placement, drain, TURN)
  LECTERN_NODE_ID: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (max 64)').optional()),
  LECTERN_REDIS_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9._:-]{0,64}$/).optional()),
  LECTERN_SFU_ANNOUNCE_INTERVAL_MS: int(100, 60_000).default(2000),
  LECTERN_SFU_NODE_TTL_MS: int(300, 600_000).optional(),
  LECTERN_NODE_ROOM_PEERS: int(1, 100_000).optional(),
  LECTERN_DRAIN_TIMEOUT_SECONDS: int(0, 86_400).default(3600),
  LECTERN_REDIS_TLS_CA_FILE: optionalString,
  LECTERN_TURN_URLS: optionalString,
  LECTERN_TURN_SECRET: optionalString,
  LECTERN_TURN_TTL_SECONDS: int(60, 86_400).default(3600),
  // ---- recording
  LECTERN_RECORDINGS_DIR: optionalString,
  LECTERN_CHAT_FILES_DIR: optionalString,
  LECTERN_RECORDING_RETENTION_DAYS: int(0, 36_500).default(0),
  LECTERN_RECORDING_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
  LECTERN_FFMPEG_PATH: z.string().min(1).default('/usr/bin/ffmpeg'),
  LECTERN_FFPROBE_PATH: z.string().min(1).default('/usr/bin/ffprobe'),
  // ---- operations
  LECTERN_METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters (try: openssl rand -hex 24)').optional()),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly role: 'all' | 'api' | 'sfu';
  readonly dataDir: string;
  /** Base URL used in links (join links, calendar feeds, emails). */
  readonly publicUrl: string;
  readonly databaseUrl: string | undefined;
  /** Postgres shared_buffers inside the embedded database (PGlite): most of its resident memory. */
  readonly pgliteSharedBuffers: string;
  readonly redisUrl: string | undefined;
  readonly logLevel: string;
  /** Which X-Forwarded-For hops to believe: none, a hop count, or the proxies' addresses/CIDRs. */
  readonly trustProxy: TrustProxy;
  readonly clientDist: string;
  readonly auth: {
    /** undefined: generate one into the data dir (embedded default). */
    readonly jwtSecret: string | undefined;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlDays: number;
    readonly roomTokenTtlSeconds: number;
    /** Failures per (email, client address) within the login window before that pair waits. */
    readonly loginMaxFailures: number;
    readonly loginWindowSeconds: number;
    /** Failures per email from all addresses within the login window (slower: one address cannot lock an account). */
    readonly loginMaxFailuresPerAccount: number;
    /** Sign-in attempts per client address and in all, per rate window, counted before any hashing. */
    readonly loginRatePerIp: number;
    readonly loginRateGlobal: number;
    readonly loginRateWindowSeconds: number;
    /** Password hashes (scrypt) running at once in this process, and how many may wait. */
    readonly hashConcurrency: number;
    readonly hashQueue: number;
    readonly scryptLogN: number;
    readonly adminEmail: string | undefined;
    readonly adminPassword: string | undefined;
  };
  readonly codes: {
    readonly ttlMinutes: number;
    /** A scheduled session's codes last until its scheduled end plus this. */
    readonly graceMinutes: number;
    readonly ratePerIp: number;
    readonly rateGlobal: number;
    readonly rateWindowSeconds: number;
  };
  readonly notifications: {
    /** undefined: email is off (outbox rows for email are skipped). */
    readonly smtpUrl: string | undefined;
    /** PEM CA(s) trusted for the SMTP server's certificate besides the system roots (a private CA). */
    readonly smtpTlsCaFile: string | undefined;
    readonly mailFrom: string;
    /** undefined: generated into ${dataDir}/vapid.json on first start. */
    readonly vapidPublicKey: string | undefined;
    readonly vapidPrivateKey: string | undefined;
    readonly vapidSubject: string;
    /** Accept push endpoints over http or on private addresses (tests, closed networks). */
    readonly pushAllowPrivateEndpoints: boolean;
    /** Reminder offsets (minutes before start) for sessions that do not set their own. */
    readonly reminderOffsetsMinutes: readonly number[];
    readonly outboxMaxAttempts: number;
    readonly outboxBackoffSeconds: number;
    readonly outboxLeaseSeconds: number;
    readonly outboxPollMs: number;
  };
  readonly sfu: {
    readonly workers: number;
    /** io_uring sends in the mediasoup workers (falls back by itself where the kernel refuses it). */
    readonly ioUring: boolean;
    readonly listenIp: string;
    readonly announcedAddress: string | undefined;
    readonly portBase: number;
    readonly maxParticipants: number;
    /** Peers of a room on one mediasoup router before the room opens a router on another worker. */
    readonly peersPerRouter: number;
  };
  readonly chat: {
    /** Where chat files are stored (default ${dataDir}/chat); shared by every API node. */
    readonly filesDir: string;
  };
  readonly recording: {
    /** Where recordings are stored (default ${dataDir}/recordings). */
    readonly dir: string;
    /** Recordings older than this many days are deleted; 0 keeps them forever. */
    readonly retentionDays: number;
    /** Local address the recorder's ffmpeg processes receive RTP on (must be reachable from the SFU). */
    readonly listenIp: string;
    readonly ffmpegPath: string;
    readonly ffprobePath: string;
  };
  readonly calls: {
    /** Seconds a call rings before the unanswered are marked missed. */
    readonly ringTimeoutSeconds: number;
    /** A live call with only its host (or nobody) for this long ends itself. */
    readonly idleMinutes: number;
    /** How often each API node sweeps due calls. */
    readonly sweepMs: number;
  };
  readonly attendance: {
    /** A first join later than this after the session's start counts as late. */
    readonly lateGraceMinutes: number;
  };
  readonly bookings: {
    /** After a booked meeting's end plus this, its status follows from attendance (no_show / completed). */
    readonly noShowGraceMinutes: number;
    /** Booking attempts without an account per client address per 10 minutes. */
    readonly guestRatePerIp: number;
  };
  readonly cluster: {
    /** This process's name on the bus (SFU RPC topic, placement). Default hostname-pid. */
    readonly nodeId: string;
    /** Prefix for every Redis key and channel (lets several deployments or tests share one Redis). */
    readonly redisPrefix: string;
    /** PEM file of the CA that signed Redis's certificate (rediss:// with a private CA). */
    readonly redisTlsCaFile: string | undefined;
    readonly announceIntervalMs: number;
    /** An SFU node silent for this long counts as gone (default 3 announce intervals). */
    readonly nodeTtlMs: number;
    /**
     * A room's peers on its home SFU node before newcomers go to another node. Default: the
     * node's workers x LECTERN_ROOM_PEERS_PER_ROUTER (as announced by that node).
     */
    readonly nodeRoomPeers: number | undefined;
    /** How long a draining node waits for its rooms/sockets to empty before exiting. */
    readonly drainTimeoutSeconds: number;
  };
  /** Bearer token for GET /metrics; undefined: the route answers 404 and nothing is measured. */
  readonly metricsToken: string | undefined;
  /** TURN (coturn shared-secret REST scheme); undefined when not configured. */
  readonly turn: { readonly urls: readonly string[]; readonly secret: string; readonly ttlSeconds: number } | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Minimum length of a configured signing secret (bytes of text). */
export const MIN_SECRET_LENGTH = 32;

/** Every secret-like setting and what it must at least be (see secretStrength.ts). */
const SECRET_RULES = {
  LECTERN_JWT_SECRET: { minLength: MIN_SECRET_LENGTH, minDistinct: 10 },
  LECTERN_TURN_SECRET: { minLength: 16, minDistinct: 8 },
  LECTERN_VAPID_PRIVATE_KEY: { minLength: 32, minDistinct: 10 },
  LECTERN_METRICS_TOKEN: { minLength: 16, minDistinct: 8 },
} as const satisfies Record<string, SecretRule>;

/** Refuses placeholder and guessable secrets; unset ones are checked where they are required. */
function checkSecrets(e: Partial<Record<keyof typeof SECRET_RULES, string | undefined>>): void {
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(SECRET_RULES) as [keyof typeof SECRET_RULES, SecretRule][]) {
    const value = e[name];
    const reason = value === undefined ? undefined : weakSecretReason(value, rule);
    if (reason) problems.push(`  ${name}: ${reason}; ${SECRET_HINT}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  checkSecrets(e);
  if ((e.LECTERN_ADMIN_EMAIL === undefined) !== (e.LECTERN_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration:\n  LECTERN_ADMIN_EMAIL and LECTERN_ADMIN_PASSWORD must be set together');
  }
  if (e.LECTERN_ADMIN_PASSWORD !== undefined && e.LECTERN_ADMIN_PASSWORD.length < 10) {
    throw new ConfigError('Invalid configuration:\n  LECTERN_ADMIN_PASSWORD: must be at least 10 characters');
  }
  if ((e.LECTERN_VAPID_PUBLIC_KEY === undefined) !== (e.LECTERN_VAPID_PRIVATE_KEY === undefined)) {
    throw new ConfigError('Invalid configuration:\n  LECTERN_VAPID_PUBLIC_KEY and LECTERN_VAPID_PRIVATE_KEY must be set together');
  }
  const turnUrls = (e.LECTERN_TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  if (turnUrls.some((u) => !/^turns?:/.test(u))) throw new ConfigError('Invalid configuration:\n  LECTERN_TURN_URLS: comma-separated turn: or turns: URLs');
  if ((turnUrls.length > 0) !== (e.LECTERN_TURN_SECRET !== undefined)) {
    throw new ConfigError(`Invalid configuration:\n  LECTERN_TURN_URLS and LECTERN_TURN_SECRET must be set together (secret: ${SECRET_HINT})`);
  }
  const dataDir = resolve(e.LECTERN_DATA_DIR);
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    role: e.LECTERN_ROLE,
    dataDir,
    publicUrl: (e.LECTERN_PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    pgliteSharedBuffers: e.LECTERN_PGLITE_SHARED_BUFFERS,
    redisUrl: e.REDIS_URL,
    logLevel: e.LECTERN_LOG_LEVEL,
    trustProxy: e.LECTERN_TRUST_PROXY,
    clientDist: resolve(e.LECTERN_CLIENT_DIST ?? new URL('../../client/dist', import.meta.url).pathname),
    auth: {
      jwtSecret: e.LECTERN_JWT_SECRET,
      accessTokenTtlSeconds: e.LECTERN_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.LECTERN_REFRESH_TOKEN_TTL_DAYS,
      roomTokenTtlSeconds: e.LECTERN_ROOM_TOKEN_TTL_SECONDS,
      loginMaxFailures: e.LECTERN_LOGIN_MAX_FAILURES,
      loginWindowSeconds: e.LECTERN_LOGIN_WINDOW_SECONDS,
      loginMaxFailuresPerAccount: e.LECTERN_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginRatePerIp: e.LECTERN_LOGIN_RATE_PER_IP,
      loginRateGlobal: e.LECTERN_LOGIN_RATE_GLOBAL,
      loginRateWindowSeconds: e.LECTERN_LOGIN_RATE_WINDOW_SECONDS,
      hashConcurrency: e.LECTERN_HASH_CONCURRENCY,
      hashQueue: e.LECTERN_HASH_QUEUE,
      scryptLogN: e.LECTERN_SCRYPT_LOG_N,
      adminEmail: e.LECTERN_ADMIN_EMAIL?.toLowerCase(),
      adminPassword: e.LECTERN_ADMIN_PASSWORD,
    },
    codes: {
      ttlMinutes: e.LECTERN_CODE_TTL_MINUTES,
      graceMinutes: e.LECTERN_CODE_GRACE_MINUTES,
      ratePerIp: e.LECTERN_JOIN_RATE_PER_IP,
      rateGlobal: e.LECTERN_JOIN_RATE_GLOBAL,
      rateWindowSeconds: e.LECTERN_JOIN_RATE_WINDOW_SECONDS,
    },
    notifications: {
      smtpUrl: e.LECTERN_SMTP_URL,
      smtpTlsCaFile: e.LECTERN_SMTP_TLS_CA_FILE,
      mailFrom: e.LECTERN_MAIL_FROM,
      vapidPublicKey: e.LECTERN_VAPID_PUBLIC_KEY,
      vapidPrivateKey: e.LECTERN_VAPID_PRIVATE_KEY,
      vapidSubject: e.LECTERN_VAPID_SUBJECT,
      pushAllowPrivateEndpoints: e.LECTERN_PUSH_ALLOW_PRIVATE_ENDPOINTS,
      reminderOffsetsMinutes: [...new Set(e.LECTERN_REMINDER_OFFSETS.split(',').map((m) => Number(m.trim())))].sort((a, b) => b - a),
      outboxMaxAttempts: e.LECTERN_OUTBOX_MAX_ATTEMPTS,
      outboxBackoffSeconds: e.LECTERN_OUTBOX_BACKOFF_SECONDS,
      outboxLeaseSeconds: e.LECTERN_OUTBOX_LEASE_SECONDS,
      outboxPollMs: e.LECTERN_OUTBOX_POLL_MS,
    },
    calls: { ringTimeoutSeconds: e.LECTERN_RING_TIMEOUT_SECONDS, idleMinutes: e.LECTERN_CALL_IDLE_MINUTES, sweepMs: e.LECTERN_CALL_SWEEP_MS },
    sfu: {
      workers: e.LECTERN_SFU_WORKERS ?? Math.max(1, cpus().length),
      ioUring: e.LECTERN_SFU_IO_URING === 'on',
      listenIp: e.LECTERN_RTC_LISTEN_IP,
      announcedAddress: e.LECTERN_RTC_ANNOUNCED_ADDRESS,
      portBase: e.LECTERN_RTC_PORT_BASE,
      maxParticipants: e.LECTERN_ROOM_MAX_PARTICIPANTS,
      peersPerRouter: e.LECTERN_ROOM_PEERS_PER_ROUTER,
    },
    attendance: {
      lateGraceMinutes: e.LECTERN_LATE_GRACE_MINUTES,
    },
    bookings: {
      noShowGraceMinutes: e.LECTERN_BOOKING_NO_SHOW_GRACE_MINUTES,
      guestRatePerIp: e.LECTERN_BOOKING_RATE_PER_IP,
    },
    chat: {
      filesDir: resolve(e.LECTERN_CHAT_FILES_DIR ?? join(dataDir, 'chat')),
    },
    recording: {
      dir: resolve(e.LECTERN_RECORDINGS_DIR ?? join(dataDir, 'recordings')),
      retentionDays: e.LECTERN_RECORDING_RETENTION_DAYS,
      listenIp: e.LECTERN_RECORDING_LISTEN_IP,
      ffmpegPath: e.LECTERN_FFMPEG_PATH,
      ffprobePath: e.LECTERN_FFPROBE_PATH,
    },
    cluster: {
      nodeId: e.LECTERN_NODE_ID ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 48)}-${process.pid}`,
      redisPrefix: e.LECTERN_REDIS_PREFIX ?? '',
      redisTlsCaFile: e.LECTERN_REDIS_TLS_CA_FILE,
      announceIntervalMs: e.LECTERN_SFU_ANNOUNCE_INTERVAL_MS,
      nodeTtlMs: e.LECTERN_SFU_NODE_TTL_MS ?? e.LECTERN_SFU_ANNOUNCE_INTERVAL_MS * 3,
      nodeRoomPeers: e.LECTERN_NODE_ROOM_PEERS,
      drainTimeoutSeconds: e.LECTERN_DRAIN_TIMEOUT_SECONDS,
    },
    metricsToken: e.LECTERN_METRICS_TOKEN,
    turn:
      e.LECTERN_TURN_SECRET !== undefined ? { urls: turnUrls, secret: e.LECTERN_TURN_SECRET, ttlSeconds: e.LECTERN_TURN_TTL_SECONDS } : undefined,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}
