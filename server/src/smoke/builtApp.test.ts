// The built app as `npm start` and the Docker image run it: `node server/dist/main.js` (built
// by scripts/setup.sh before any test runs; this test builds nothing), every role in one
// process on the embedded default database in a fresh data folder, the first admin from
// LECTERN_ADMIN_*. It must become ready, sign the admin in over the API and serve the client.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../cluster/test/testRedis.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const MAIN = join(ROOT, 'server/dist/main.js');
const READY_TIMEOUT_MS = 60_000;

describe('the built app (node server/dist/main.js)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lectern-smoke-'));
  const admin = { email: 'smoke-admin@example.test', password: `pw-${randomBytes(9).toString('base64url')}` };
  let proc: ChildProcess;
  let url = '';
  let output = '';

  beforeAll(async () => {
    // A missing build is a failure, not a skip: npm test and CI build before they test.
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or scripts/setup.sh)`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Only what a user sets: no DATABASE_URL or REDIS_URL from the test run leaks in.
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      LECTERN_DATA_DIR: dataDir,
      LECTERN_RTC_PORT_BASE: String(await freePort()),
      LECTERN_SFU_WORKERS: '1',
      LECTERN_ADMIN_EMAIL: admin.email,
      LECTERN_ADMIN_PASSWORD: admin.password,
      ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    };
    proc = spawn(process.execPath, ['--enable-source-maps', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    await waitReady(READY_TIMEOUT_MS);
  }, READY_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (proc.exitCode !== null) throw new Error(`server/dist/main.js exited with ${proc.exitCode}:\n${output}`);
      const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
      if (status === 200) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server/dist/main.js not ready after ${timeoutMs} ms:\n${output}`);
  }

  it('built app: ready on the embedded database, prints its URL, and keeps its data in the data folder', () => {
    expect(output).toContain(`Lectern is running at ${url}`);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
  });

  it('built app: the admin from LECTERN_ADMIN_* signs in over the API', async () => {
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: admin.email, role: 'admin' });
  });

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
