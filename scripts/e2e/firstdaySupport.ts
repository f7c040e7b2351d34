// Support for the first-day browser suites: an own client build, a Lectern whose log lines
// the test can read, screenshots at desktop and phone size in light and dark, and axe-core.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { UserRole } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import type { Clock } from '../../server/src/clock.js';
import { loadConfig } from '../../server/src/config.js';
import { startLectern, type Lectern } from '../../server/src/lectern.js';
import { createLogger } from '../../server/src/logger.js';
import { createUser } from '../../server/src/users/userService.js';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'artifacts/screenshots');

/** A build of our own: client/dist is rebuilt by other suites and engineers at any time. */
export function buildClient(): string {
  const dist = mkdtempSync(join(tmpdir(), 'lectern-e2e-firstday-dist-'));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: join(ROOT, 'client'), stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  return dist;
}

export interface FirstdayServer {
  lectern: Lectern;
  url: string;
  db: TestDb;
  /** Every JSON log line written so far. */
  logs: Record<string, unknown>[];
  scryptLogN: number;
  user(role: UserRole, name: string): Promise<{ id: string; email: string; password: string; token: string }>;
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startFirstday(dist: string, opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<FirstdayServer> {
  const db = await createTestDb('pglite');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'lectern-e2e-firstday-')),
    LECTERN_JWT_SECRET: randomBytes(48).toString('base64url'),
    LECTERN_SCRYPT_LOG_N: '14',
    LECTERN_LOG_LEVEL: 'warn',
    LECTERN_SFU_WORKERS: '1',
    LECTERN_JOIN_RATE_PER_IP: '1000',
    LECTERN_OUTBOX_POLL_MS: '200',
    LECTERN_CLIENT_DIST: dist,
    ...opts.env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          /* not JSON */
        }
      }
      cb();
    },
  });
  const lectern = await startLectern(config, { db, logger: createLogger(config.logLevel, sink), ...(opts.clock ? { clock: opts.clock } : {}) });
  const url = lectern.url;
  const api: FirstdayServer['api'] = async (method, path, body, token) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as never };
  };
  let n = 0;
  return {
    lectern,
    url,
    db,
    logs,
    scryptLogN: config.auth.scryptLogN,
    api,
    async user(role, name) {
      n += 1;
      const email = `${role}${n}-${randomBytes(3).toString('hex')}@example.test`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const u = await createUser(db.db, { email, password, role, name }, config.auth.scryptLogN);
      const login = await api<{ accessToken: string }>('POST', '/api/auth/login', { email, password });
      return { id: u.id, email, password, token: login.body.accessToken };
    },
    async close() {
      await lectern.close();
      await db.destroy();
    },
  };
}

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** A page at a viewport and colour scheme (dark follows the system setting, as the app does). */
export async function openPage(browser: Browser, viewport: keyof typeof VIEWPORTS = 'desktop', scheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    colorScheme: scheme,
    permissions: ['camera', 'microphone'],
    ...(viewport === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2 A/AA rules) in the page; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!has) await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Sign in through the page. */
export async function signInAs(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}
