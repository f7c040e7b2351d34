// Shared support for the browser suites: an in-process Lectern on a throwaway database,
// Debian's chromium through playwright-core with fake devices, and media assertions.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { UserRole } from '@lectern/db';
import { createTestDb, type DbKind, type TestDb } from '@lectern/db/testing';
import type { Clock } from '../../server/src/clock.js';
import { loadConfig } from '../../server/src/config.js';
import { startLectern, type Lectern } from '../../server/src/lectern.js';
import { createLogger } from '../../server/src/logger.js';
import { createUser } from '../../server/src/users/userService.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--autoplay-policy=no-user-gesture-required',
];

/** A client build of the suite's own in a fresh folder (client/dist is rebuilt by other suites and engineers at any time). */
export function buildClientCopy(name: string): string {
  const dist = mkdtempSync(join(tmpdir(), `lectern-e2e-${name}-dist-`));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: join(ROOT, 'client'), stdio: 'inherit' });
  return dist;
}

/** The folder screenshots go to (made if missing): artifacts/screenshots unless told. */
export function shotsDir(dir = join(process.cwd(), 'artifacts', 'screenshots')): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return { context, page };
}

export interface TestServer {
  lectern: Lectern;
  url: string;
  db: TestDb;
  user(role: UserRole, name?: string): Promise<{ id: string; email: string; password: string; token: string }>;
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** One JSON call to a Lectern base URL: the status and the parsed body (text when not JSON). */
export async function callJson<T = unknown>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T };
}

/** What every in-process Lectern of the browser suites starts with: its own data folder (named from `dataPrefix`) and JWT secret, fast scrypt, quiet logs, one SFU worker. */
export function baseEnv(dataPrefix: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), dataPrefix)),
    LECTERN_JWT_SECRET: randomBytes(48).toString('base64url'),
    LECTERN_SCRYPT_LOG_N: '14',
    LECTERN_LOG_LEVEL: process.env.LECTERN_TEST_LOG_LEVEL ?? 'warn',
    LECTERN_SFU_WORKERS: '1',
  };
}

/** A user with a fresh address (`<key>-<random>@example.test`) and a random password. */
export async function createTestUser(db: TestDb, role: UserRole, name: string, key: string, scryptLogN = 14): Promise<{ id: string; email: string; password: string; name: string }> {
  const email = `${key}-${randomBytes(3).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const u = await createUser(db.db, { email, password, role, name }, scryptLogN);
  return { id: u.id, email, password, name };
}

/**
 * The database a browser suite runs on: Postgres when DATABASE_URL is set (CI sets it; inside
 * scripts/e2e.sh's namespace it names the unix socket), else PGlite. Each suite runs once, on
 * this one kind: running every suite on both would not fit CI's time. CI=true without
 * DATABASE_URL fails rather than quietly testing PGlite only.
 */
export function suiteDbKind(env: NodeJS.ProcessEnv = process.env): DbKind {
  if (env.DATABASE_URL) return 'postgres';
  if (env.CI === 'true') throw new Error('CI=true but DATABASE_URL is not set: the browser suites must run on Postgres in CI');
  return 'pglite';
}

/** The running suite's file, relative to the repository root (the script's own name outside vitest: the benchmarks). */
export function suiteFile(): string {
  let path: string;
  try {
    path = expect.getState().testPath ?? 'unknown suite';
  } catch {
    path = process.argv[1] ?? 'unknown script'; // expect's state exists only inside a vitest run
  }
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** Says in the test log which database (and bus) the running suite's server uses: `[e2e] <file>: database=postgres bus=memory`. */
export function announceSuiteDb(kind: DbKind, bus: 'memory' | 'redis' = 'memory'): void {
  console.log(`[e2e] ${suiteFile()}: database=${kind} bus=${bus}`);
}

/** A fresh database of its own for the suite, of suiteDbKind() (a new Postgres database per call), announced in the log. */
export async function createSuiteTestDb(bus: 'memory' | 'redis' = 'memory'): Promise<TestDb> {
  const kind = suiteDbKind();
  const db = await createTestDb(kind);
  announceSuiteDb(kind, bus);
  return db;
}

/** An in-process Lectern on a fresh database of suiteDbKind(); its JSON log goes to `opts.logSink` when given. */
export async function startServer(env: Record<string, string> = {}, opts: { clock?: Clock; logSink?: Writable } = {}): Promise<TestServer> {
  const db = await createSuiteTestDb(env.REDIS_URL ? 'redis' : 'memory');
  const config = loadConfig({ ...baseEnv('lectern-e2e-'), LECTERN_JOIN_RATE_PER_IP: '1000', ...env });
  let lectern: Lectern;
  try {
    lectern = await startLectern(config, {
      db,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.logSink ? { logger: createLogger(config.logLevel, opts.logSink) } : {}),
    });
  } catch (err) {
    await db.destroy(); // a Postgres database per suite: not left behind when the server cannot start
    throw err;
  }
  const url = lectern.url;
  const api: TestServer['api'] = (method, path, body, token) => callJson(url, method, path, body, token);
  let n = 0;
  return {
    lectern,
    url,
    db,
    api,
    async user(role, name) {
      n += 1;
      const { id, email, password } = await createTestUser(db, role, name ?? `${role} ${n}`, `${role}${n}`, config.auth.scryptLogN);
      const login = await api<{ accessToken: string }>('POST', '/api/auth/login', { email, password });
      return { id, email, password, token: login.body.accessToken };
    },
    async close() {
      await lectern.close();
      await db.destroy();
    },
  };
}

export type TestUser = Awaited<ReturnType<TestServer['user']>>;

/** A browser suite's fixture: a server (with `env`), one Chromium and a signed-up teacher; on a failure what started is closed. */
export async function openBrowserSuite(env: Record<string, string>, teacherName: string): Promise<{ server: TestServer; browser: Browser; teacher: TestUser }> {
  const server = await startServer(env);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    return { server, browser, teacher: await server.user('teacher', teacherName) };
  } catch (err) {
    await closeBrowserSuite(browser, server);
    throw err;
  }
}

export async function closeBrowserSuite(browser: Browser | undefined, server: { close(): Promise<void> } | undefined): Promise<void> {
  await browser?.close();
  await server?.close();
}

export interface RemoteStat {
  peerId: string;
  kind: string;
  source: string;
  bytesReceived: number;
  framesDecoded: number;
}

export async function remoteStats(page: Page): Promise<RemoteStat[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __lectern?: { stats: () => Promise<unknown> } };
    if (!w.__lectern) return [];
    const s = (await w.__lectern.stats()) as { consumers?: RemoteStat[] } | RemoteStat[];
    return Array.isArray(s) ? s : (s.consumers ?? []);
  });
}

/** Waits until `pred` holds for the page's remote media stats; returns the last sample. */
export async function waitForMedia(page: Page, pred: (s: RemoteStat[]) => boolean, timeoutMs = 20_000): Promise<RemoteStat[]> {
  const until = Date.now() + timeoutMs;
  let last: RemoteStat[] = [];
  while (Date.now() < until) {
    last = await remoteStats(page);
    if (pred(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`media condition not met in ${timeoutMs} ms; last stats: ${JSON.stringify(last)}`);
}

/** Media from every listed peer flows: bytes and decoded frames rise between two samples. */
export async function assertMediaRising(page: Page, fromPeers: string[], kinds: ('audio' | 'video')[] = ['audio', 'video']): Promise<void> {
  const pick = (s: RemoteStat[], peer: string, kind: string) =>
    s.filter((x) => x.peerId === peer && x.kind === kind).reduce((a, x) => ({ b: a.b + x.bytesReceived, f: a.f + x.framesDecoded }), { b: 0, f: 0 });
  const first = await waitForMedia(page, (s) => fromPeers.every((p) => kinds.every((k) => pick(s, p, k).b > 0)));
  await waitForMedia(page, (s) =>
    fromPeers.every((p) =>
      kinds.every((k) => {
        const a = pick(first, p, k);
        const b = pick(s, p, k);
        return b.b > a.b && (k === 'audio' || b.f > a.f);
      }),
    ),
  );
}

/** Signs in through the login page and waits to leave it. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Waits until the page is in its room (the room page sets window.__lectern.peerId); returns the peer id. */
export async function waitForPeerId(page: Page, timeoutMs = 30_000): Promise<string> {
  await page.waitForFunction(() => Boolean(window.__lectern?.peerId), undefined, { timeout: timeoutMs });
  return page.evaluate(() => window.__lectern?.peerId ?? '');
}

/** Opens /j/CODE, enters a name and presses Join. */
export async function joinByCode(page: Page, baseUrl: string, code: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/j/${code}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

/**
 * Arms a watch in the page: the page notes its own clock's time (ms since the epoch, the
 * machine's clock like the server's) the moment `what` first appears: a text in the page,
 * or with `{ selector }` an element. Arm it before the action; the returned function waits
 * for it and gives that time, so a latency is measured from a server timestamp instead of
 * around this test's own clicks and polls.
 */
export async function watchAppears(page: Page, what: string | { selector: string }): Promise<(timeoutMs?: number) => Promise<number>> {
  const key = typeof what === 'string' ? `text:${what}` : `selector:${what.selector}`;
  await page.evaluate((k) => {
    const w = window as unknown as { __seenAt?: Record<string, number> };
    const seen = (w.__seenAt ??= {});
    const [kind, arg] = [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)];
    const present = () => (kind === 'text' ? Boolean(document.body.textContent?.includes(arg)) : document.querySelector(arg) !== null);
    const check = () => {
      if (seen[k] === undefined && present()) seen[k] = Date.now();
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
    check();
  }, key);
  return async (timeoutMs = 15_000) => {
    const at = await page.waitForFunction((k) => (window as unknown as { __seenAt?: Record<string, number> }).__seenAt?.[k], key, { timeout: timeoutMs });
    return Number(await at.jsonValue());
  };
}
