import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis } from '../cluster/test/testRedis.js';
import { createLogger } from '../logger.js';
import { loadConfig } from '../config.js';
import { createRedis, redisOptions, SUBSCRIBER_OPTIONS } from '../runtime.js';
import { BusRequestError } from './Bus.js';
import { RedisBus } from './RedisBus.js';

const logger = createLogger('silent');

async function makeBus(url: string, prefix: string): Promise<RedisBus> {
  return RedisBus.create({ pub: createRedis(url, logger, 'bus-test'), sub: createRedis(url, logger, 'bus-test-sub', SUBSCRIBER_OPTIONS), logger, prefix, ownPub: true });
}

async function until(check: () => boolean | Promise<boolean>, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('RedisBus on the shared Redis', () => {
  const url = 'redis://127.0.0.1:6379';
  const prefix = `lectern-test-${randomUUID().slice(0, 8)}:`;
  let a: RedisBus;
  let b: RedisBus;

  beforeAll(async () => {
    a = await makeBus(url, prefix);
    b = await makeBus(url, prefix);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('RedisBus fans a published message out to subscribers on every instance', async () => {
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    const ua = await a.subscribe('room-events', (m) => gotA.push(m));
    const ub = await b.subscribe('room-events', (m) => gotB.push(m));
    await a.publish('room-events', { type: 'x', n: 1, at: new Date(0) });
    await until(() => gotA.length === 1 && gotB.length === 1, 'fan-out');
    expect(gotB[0]).toEqual({ type: 'x', n: 1, at: '1970-01-01T00:00:00.000Z' });
    await ub();
    await a.publish('room-events', { n: 2 });
    await until(() => gotA.length === 2, 'second message');
    expect(gotB).toHaveLength(1);
    await ua();
  });

  it('RedisBus carries a request to the serving instance and its answer or error back', async () => {
    const stop = await b.serve('sfu:n1:rpc', async (m) => {
      const { op, v } = m as { op: string; v: number };
      if (op === 'fail') throw Object.assign(new Error('room is full'), { code: 'room_full' });
      return { doubled: v * 2 };
    });
    await expect(a.request('sfu:n1:rpc', { op: 'double', v: 21 })).resolves.toEqual({ doubled: 42 });
    const err = await a.request('sfu:n1:rpc', { op: 'fail', v: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusRequestError);
    expect(err).toMatchObject({ code: 'room_full', message: 'room is full' });
    await stop();
  });

  it('RedisBus fails a request at once when nobody serves the topic', async () => {
    const err = await a.request('sfu:nobody:rpc', {}, 60_000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'no_server' });
  });

  it('RedisBus times out a request whose server never answers', async () => {
    const stop = await b.serve('sfu:slow:rpc', () => new Promise(() => undefined));
    const err = await a.request('sfu:slow:rpc', {}, 300).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout' });
    await stop();
  });

  it('RedisBus keeps channels of different prefixes apart', async () => {
    const other = await makeBus(url, `${prefix}other:`);
    try {
      const stop = await other.serve('sfu:n2:rpc', () => Promise.resolve('other'));
      const err = await a.request('sfu:n2:rpc', {}).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'no_server' });
      await stop();
    } finally {
      await other.close();
    }
  });
});

describe('RedisBus across a Redis restart', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('RedisBus fails fast while Redis is down and works again after it restarts', async () => {
    const a = await makeBus(redis.url, 'r:');
    const b = await makeBus(redis.url, 'r:');
    try {
      const got: unknown[] = [];
      await b.subscribe('events', (m) => got.push(m));
      await b.serve('rpc1', (m) => Promise.resolve({ echo: m }));
      await expect(a.request('rpc1', 1)).resolves.toEqual({ echo: 1 });

      await redis.stop();
      await until(() => !a.connected, 'the bus to notice Redis is gone');
      const down = await a.request('rpc1', 2, 60_000).catch((e: unknown) => e);
      expect(down).toMatchObject({ code: 'unavailable' });
      await a.publish('events', { lost: true }); // never throws

      await redis.start();
      await until(() => a.connected && b.connected, 'reconnect');
      // Resubscription completes shortly after the connection is ready.
      await until(async () => (await a.request('rpc1', 3).catch(() => null)) !== null, 'the server to be reachable again');
      await expect(a.request('rpc1', 4)).resolves.toEqual({ echo: 4 });
      await a.publish('events', { after: true });
      await until(() => got.some((m) => (m as { after?: boolean }).after === true), 'events after restart');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('RedisBus reports no_server for a request published before anyone serves', async () => {
    const probe = new Redis(redis.url);
    const bus = await makeBus(redis.url, 'q:');
    try {
      expect(await probe.pubsub('NUMSUB', 'q:rpc:none')).toEqual(['q:rpc:none', 0]);
      await expect(bus.request('none', {})).rejects.toMatchObject({ code: 'no_server' });
    } finally {
      probe.disconnect();
      await bus.close();
    }
  });
});

describe('RedisBus over a password-protected TLS Redis', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lectern-redis-tls-'));
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=lectern-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem']);
    sh(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    sh(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'server.pem']);
    redis = await TestRedis.start({ password: 's3cret pass/word', tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), caFile: join(dir, 'ca.pem') } });
  });
  afterAll(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('RedisBus connects with the rediss:// URL’s password and the configured CA', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/:s3cret%20pass%2Fword@127\.0\.0\.1:\d+$/);
    const config = loadConfig({ REDIS_URL: redis.url, LECTERN_REDIS_TLS_CA_FILE: join(dir, 'ca.pem') });
    const open = () =>
      RedisBus.create({
        pub: createRedis(redis.url, logger, 'tls-pub', redisOptions(config)),
        sub: createRedis(redis.url, logger, 'tls-sub', { ...redisOptions(config), ...SUBSCRIBER_OPTIONS }),
        logger,
        ownPub: true,
      });
    const [a, b] = [await open(), await open()];
    try {
      await b.serve('tls-rpc', (m) => Promise.resolve({ got: m }));
      await until(() => a.connected, 'TLS connection');
      await expect(a.request('tls-rpc', 'hello')).resolves.toEqual({ got: 'hello' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('RedisBus refuses requests when the password is wrong', async () => {
    const bad = redis.url.replace('s3cret', 'wrong');
    expect(bad).not.toBe(redis.url);
    const config = loadConfig({ REDIS_URL: bad, LECTERN_REDIS_TLS_CA_FILE: join(dir, 'ca.pem') });
    const pub = createRedis(bad, logger, 'bad-pub', redisOptions(config));
    // The server's own answer to AUTH: proves the TLS link came up and the password was what failed.
    const authError = new Promise<Error>((resolve) => pub.on('error', (err: Error) => /WRONGPASS|NOAUTH/.test(err.message) && resolve(err)));
    const bus = await RedisBus.create({ pub, sub: createRedis(bad, logger, 'bad-sub', { ...redisOptions(config), ...SUBSCRIBER_OPTIONS }), logger, ownPub: true });
    try {
      expect((await authError).message).toMatch(/^WRONGPASS invalid username-password pair/);
      expect(bus.connected).toBe(false);
      await expect(bus.request('tls-rpc', 1)).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await bus.close();
    }
  });
});
