// The built app as `npm start` and the Docker image run it: `node server/dist/main.js` (built
// by scripts/setup.sh before any test runs; this test builds nothing), every role in one
// process on the embedded default database in a fresh data folder, the first admin from
// LECTERN_ADMIN_*. It must become ready, stay under 300 MB resident idle and after a little use (the
// embedded default's memory contract, README), sign the admin in over the API and serve the client.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../cluster/test/testRedis.js';
import { childProcesses, littleUse, medianRssKb, ROOT, startBuiltServer, type BuiltServer } from './test/builtServer.js';

const READY_TIMEOUT_MS = 60_000;
/** The embedded default's memory contract (README): the whole all-in-one process, idle. */
const IDLE_RSS_LIMIT_KB = 300 * 1024;
/** Long enough for start-up work (timers, first GCs) to settle. */
const IDLE_MS = 8_000;

describe('the built app (node server/dist/main.js)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lectern-smoke-'));
  const admin = { email: 'smoke-admin@example.test', password: `pw-${randomBytes(9).toString('base64url')}` };
  let server: BuiltServer | undefined;
  let url = '';

  beforeAll(async () => {
    // Only what a user sets: no DATABASE_URL or REDIS_URL from the test run leaks in.
    const env = {
      LECTERN_DATA_DIR: dataDir,
      LECTERN_RTC_PORT_BASE: String(await freePort()),
      LECTERN_SFU_WORKERS: '1',
      LECTERN_ADMIN_EMAIL: admin.email,
      LECTERN_ADMIN_PASSWORD: admin.password,
    };
    server = await startBuiltServer({ env, port: await freePort(), readyTimeoutMs: READY_TIMEOUT_MS });
    url = server.url;
  }, READY_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('built app: ready on the embedded database, prints its URL, and keeps its data in the data folder', () => {
    expect(server!.output()).toContain(`Lectern is running at ${url}`);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
  });

  it('built app: idle after start, the whole process holds under 300 MB resident (mediasoup workers apart)', async () => {
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const rss = await medianRssKb(server!.pid);
    const workers = childProcesses(server!.pid);
    expect(workers.map((w) => w.name)).toEqual(['mediasoup-worke']);
    expect(rss, `idle RSS ${Math.round(rss / 1024)} MB`).toBeLessThan(IDLE_RSS_LIMIT_KB);
  }, IDLE_MS + 20_000);

  it('built app: the admin from LECTERN_ADMIN_* signs in over the API', async () => {
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: admin.email, role: 'admin' });
  });

  it('built app: after a little use (sign-in, a course, a session, lists), still under 300 MB resident', async () => {
    await littleUse(url, admin);
    await new Promise((r) => setTimeout(r, IDLE_MS / 2));
    const rss = await medianRssKb(server!.pid);
    expect(rss, `RSS after use ${Math.round(rss / 1024)} MB`).toBeLessThan(IDLE_RSS_LIMIT_KB);
  }, IDLE_MS + 30_000);

  it('built app: serves the built client at / and its assets', async () => {
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const html = await index.text();
    expect(html).toBe(readFileSync(join(ROOT, 'client/dist/index.html'), 'utf8'));
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${url}${script!}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });
});
