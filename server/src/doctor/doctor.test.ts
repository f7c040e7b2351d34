// `lectern doctor` run as a real process: a broken host (Redis port closed, an RTC port
// taken) gives fail lines and exit 1; a good one gives only ok lines and exit 0. Then the
// checks that need a running Lectern, a stale database or a full disk, called directly.
import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '@lectern/db';
import { createTestDb, dbKinds } from '@lectern/db/testing';
import { loadConfig } from '../config.js';
import { createTestApp } from '../test/harness.js';
import { checkHttpPort } from './network.js';
import { checkDatabase, checkDisk } from './storage.js';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
const opened: { close(): unknown }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
});

function doctor(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', join(SERVER_DIR, 'src', 'cli.ts'), 'doctor'], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '', LECTERN_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.trim().split('\n') });
    }),
  );
}

const listenTcp = async (port = 0): Promise<Server & { port: number }> => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen({ host: '127.0.0.1', port }, resolve));
  opened.push(server);
  return Object.assign(server, { port: (server.address() as { port: number }).port });
};

/** A port nothing listens on: bound by us, then let go. */
const closedPort = async (): Promise<number> => {
  const s = await listenTcp();
  await new Promise((r) => s.close(r));
  return s.port;
};

/** A free TCP+UDP pair for the RTC check: an ephemeral TCP port whose UDP twin binds too. */
async function freeRtcPort(): Promise<number> {
  for (;;) {
    const port = await closedPort();
    const udp = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind({ address: '127.0.0.1', port }, () => resolve(true));
    });
    await new Promise<void>((r) => (free ? udp.close(r) : r()));
    if (free && port >= 1024 && port <= 65000) return port;
  }
}

const line = (lines: string[], name: string) => lines.find((l) => new RegExp(`^(ok|warn|fail)\\s+${name}\\s`).test(l)) ?? `(no ${name} line)`;

describe('lectern doctor', () => {
  it('lectern doctor fails on a closed Redis port and a taken RTC port, exiting 1', async () => {
    const redisPort = await closedPort();
    const rtc = await freeRtcPort();
    await listenTcp(rtc); // the worker's TCP port is taken
    const udp: UdpSocket = createSocket('udp4');
    await new Promise<void>((r) => udp.bind({ address: '127.0.0.1', port: rtc }, r));
    opened.push(udp);
    const r = await doctor({
      LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'lectern-doctor-')),
      PORT: String(await closedPort()),
      REDIS_URL: `redis://:secret-password@127.0.0.1:${redisPort}`,
      LECTERN_SFU_WORKERS: '1',
      LECTERN_RTC_PORT_BASE: String(rtc),
    });
    expect(line(r.lines, 'redis')).toMatch(new RegExp(`^fail\\s+redis\\s+cannot reach 127\\.0\\.0\\.1:${redisPort} \\(.*ECONNREFUSED.*\\) -> start Redis`));
    expect(line(r.lines, 'rtc ports')).toMatch(new RegExp(`^fail\\s+rtc ports\\s+cannot bind udp ${rtc}: EADDRINUSE, tcp ${rtc}: EADDRINUSE on 127\\.0\\.0\\.1 -> `));
    expect(line(r.lines, 'http port')).toMatch(/^ok\s/);
    expect(r.lines.join('\n')).not.toContain('secret-password');
    expect(r.code).toBe(1);
  });

  it.each(dbKinds())('lectern doctor on a good host (%s database at head, TURN up) says ok on every line and exits 0', async (kind) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lectern-doctor-'));
    const env: Record<string, string> = { LECTERN_DATA_DIR: dataDir };
    if (kind === 'postgres') {
      const db = await createTestDb('postgres');
      opened.push({ close: () => db.destroy() });
      env.DATABASE_URL = db.url!;
    } else {
      await (await createDb({ dataDir: join(dataDir, 'pglite') })).close();
    }
    if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
    const turn = await listenTcp();
    const r = await doctor({
      ...env,
      PORT: String(await closedPort()),
      LECTERN_SFU_WORKERS: '1',
      LECTERN_RTC_PORT_BASE: String(await freeRtcPort()),
      LECTERN_RTC_ANNOUNCED_ADDRESS: '127.0.0.1',
      LECTERN_TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=tcp`,
      LECTERN_TURN_SECRET: 'Rk7wPq2Zx9LmB4vTn8Cd',
    });
    expect(r.lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    expect(r.lines).toHaveLength(7);
    expect(line(r.lines, 'database')).toMatch(/reachable, migrations at head \(\d+\)/);
    expect(line(r.lines, 'turn')).toContain(`reachable over TCP: 127.0.0.1:${turn.port}`);
    expect(line(r.lines, 'announced address')).toContain('127.0.0.1 is an address of this machine');
    expect(r.code).toBe(0);
  });

  it('lectern doctor: the HTTP port held by a running Lectern is ok, held by something else fails', async () => {
    const t = await createTestApp('pglite');
    opened.push(t);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const lecternPort = Number(new URL(address).port);
    const running = await checkHttpPort(loadConfig({ PORT: String(lecternPort) }));
    expect(running).toMatchObject({ lecternRunning: true, result: { status: 'ok', detail: `127.0.0.1:${lecternPort} is Lectern (running)` } });
    const other = await listenTcp();
    const taken = await checkHttpPort(loadConfig({ PORT: String(other.port) }));
    expect(taken).toMatchObject({ lecternRunning: false, result: { status: 'fail', detail: `cannot listen on 127.0.0.1:${other.port} (EADDRINUSE)` } });
  });

  it('lectern doctor warns of pending migrations and of low disk space', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lectern-doctor-'));
    const db = await createDb({ dataDir: join(dataDir, 'pglite') });
    await db.db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`);
    await db.close();
    const config = loadConfig({ LECTERN_DATA_DIR: dataDir });
    expect(await checkDatabase(config, false)).toMatchObject({ status: 'warn', detail: expect.stringMatching(/reachable, 1 of \d+ migrations pending$/) as unknown });
    expect(await checkDatabase(config, true)).toMatchObject({ status: 'ok', detail: expect.stringContaining('in use by the running Lectern') as unknown });
    expect(await checkDisk(config)).toMatchObject({ status: 'ok' });
    expect(await checkDisk(config, Number.MAX_SAFE_INTEGER)).toMatchObject({ status: 'warn', detail: expect.stringMatching(/GiB free at /) as unknown });
  });
});
