// The built app as `npm start` runs it (`node server/dist/main.js`), started as a child process
// with only the environment a user would set, and its memory as `ps -o rss` reports it.
// Shared by the smoke test and scripts/bench/memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../../..', import.meta.url).pathname;
export const MAIN = join(ROOT, 'server/dist/main.js');

export interface BuiltServer {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Variables on top of PATH and HOME (nothing else of this process's environment leaks in). */
  env: Record<string, string>;
  port: number;
  /** Extra node flags before the script, e.g. `--import`. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/** Starts server/dist/main.js and waits for /readyz to answer 200. */
export async function startBuiltServer(opts: StartOptions): Promise<BuiltServer> {
  // A missing build is a failure, not a skip: npm test and CI build before they test.
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or scripts/setup.sh)`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PORT: String(opts.port), HOST: '127.0.0.1', ...opts.env };
  if (process.env.MEDIASOUP_WORKER_BIN && !env.MEDIASOUP_WORKER_BIN) env.MEDIASOUP_WORKER_BIN = process.env.MEDIASOUP_WORKER_BIN;
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--enable-source-maps', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server/dist/main.js exited with ${proc.exitCode}:\n${output}`);
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`server/dist/main.js not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { proc, pid: proc.pid!, url, output: () => output, stop };
}

/** Resident set size of `pid` in kB, the figure `ps -o rss=` prints (Linux /proc). */
export function rssKb(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]);
}

/** The median of `samples` readings of rssKb, `intervalMs` apart: one GC or timer does not move it. */
export async function medianRssKb(pid: number, samples = 5, intervalMs = 1000): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, intervalMs));
    readings.push(rssKb(pid));
  }
  return readings.sort((a, b) => a - b)[Math.floor(samples / 2)]!;
}

/** The direct child processes of `pid` (the mediasoup workers), with their name and RSS in kB. */
export function childProcesses(pid: number): { pid: number; name: string; rssKb: number }[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.flatMap((child) => {
    try {
      const name = readFileSync(`/proc/${child}/comm`, 'utf8').trim();
      return [{ pid: child, name, rssKb: rssKb(child) }];
    } catch {
      return []; // exited meanwhile
    }
  });
}

/** Signs in over the API; the access token. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/**
 * "A little use" of a fresh install by its admin: sign in, read the profile, create a course,
 * schedule a session in it, list both, load the dashboard numbers and the client's page.
 */
export async function littleUse(url: string, admin: { email: string; password: string }): Promise<void> {
  const token = await login(url, admin.email, admin.password);
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  const me = (await call('GET', '/api/me')) as { id: string };
  const course = (await call('POST', '/api/courses', { title: 'Memory check', ownerId: me.id })) as { id: string };
  const scheduledAt = new Date(Date.now() + 24 * 3600_000).toISOString();
  await call('POST', '/api/sessions', { title: 'First lesson', scheduledAt, courseId: course.id });
  await call('GET', '/api/courses');
  await call('GET', '/api/sessions');
  await call('GET', '/api/me/booking-stats');
  const page = await fetch(`${url}/`);
  await page.text();
}
