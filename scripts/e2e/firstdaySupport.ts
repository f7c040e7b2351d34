// Support for the first-day browser suites: an own client build, a Lectern whose log lines
// the test can read, screenshots at desktop and phone size in light and dark, and axe-core.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Clock } from '../../server/src/clock.js';
import { buildClientCopy, launchBrowser, startServer, type TestServer } from './support.js';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'artifacts/screenshots');

/** A build of our own: client/dist is rebuilt by other suites and engineers at any time. */
export function buildClient(): string {
  const dist = buildClientCopy('firstday');
  mkdirSync(SHOTS, { recursive: true });
  return dist;
}

export interface FirstdayServer extends TestServer {
  /** Every JSON log line written so far. */
  logs: Record<string, unknown>[];
}

export async function startFirstday(dist: string, opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<FirstdayServer> {
  const logs: Record<string, unknown>[] = [];
  const logSink = new Writable({
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
  const server = await startServer(
    {
      // The suites read the log lines: not quieter whatever LECTERN_TEST_LOG_LEVEL says.
      LECTERN_LOG_LEVEL: 'warn',
      LECTERN_OUTBOX_POLL_MS: '200',
      LECTERN_CLIENT_DIST: dist,
      ...opts.env,
    },
    { ...(opts.clock ? { clock: opts.clock } : {}), logSink },
  );
  return { ...server, logs };
}

/** A first-day suite's fixture: an own client build, a server on it (with `opts`) and one Chromium; on a failure what started is closed. */
export async function openFirstdaySuite(opts: { env?: Record<string, string>; clock?: Clock } = {}): Promise<{ server: FirstdayServer; browser: Browser }> {
  const server = await startFirstday(buildClient(), opts);
  try {
    return { server, browser: await launchBrowser() };
  } catch (err) {
    await server.close();
    throw err;
  }
}

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
/** The four looks every first-day page is photographed in. */
export const LOOKS = [['desktop', 'light'], ['desktop', 'dark'], ['phone', 'light'], ['phone', 'dark']] as const;

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

/** Runs `fn` on a fresh page in each of the four looks in turn. */
export async function inEveryLook(browser: Browser, fn: (page: Page, vp: keyof typeof VIEWPORTS, scheme: 'light' | 'dark') => Promise<void>): Promise<void> {
  for (const [vp, scheme] of LOOKS) {
    const { context, page } = await openPage(browser, vp, scheme);
    try {
      await fn(page, vp, scheme);
    } finally {
      await context.close();
    }
  }
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
  // Evaluated through the DevTools protocol, which the app's CSP (script-src 'self') does not
  // govern; a <script> tag injected by the test would be refused, as it should be.
  if (!has) await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
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
