// Instant calls in the browser across two API node processes sharing Postgres and a private
// Redis (node A also hosts the SFU): a teacher calls a group of two students on different
// nodes; both see the ringing dialog; one accepts and media flows both ways; the other
// lets it ring out (time-out 5 s here) and gets the missed-call entry and a notification;
// the teacher ends the call and the chat shows the summary. Then a direct call declined.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses, enrolments } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { freePort, TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { createUser } from '../../server/src/users/userService.js';
import { assertMediaRising, launchBrowser, newPage, signIn } from './support.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LOGS = join(ROOT, 'artifacts', 'calls-logs');
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
const DIST = mkdtempSync(join(tmpdir(), 'lectern-e2e-calls-dist-'));
const PG_ENV = { PGHOST: process.env.LECTERN_E2E_PG_SOCKET ?? '/var/run/postgresql', PGUSER: 'postgres' };
const PORTS = { a: 0, b: 0 };
/** Other suites use fixed media ports: take one at random below the ephemeral range. */
const RTC_PORT = 22000 + Math.floor(Math.random() * 3000);

const PREFIX = `lectern-calls-${randomBytes(3).toString('hex')}:`;

type Who = 'teacher' | 's1' | 's2';

describe('calls across two API nodes', () => {
  let redis: TestRedis;
  let db: TestDb;
  let browser: Browser;
  const procs: ChildProcess[] = [];
  const url = (n: 'a' | 'b') => `http://127.0.0.1:${PORTS[n]}`;
  const secret = randomBytes(48).toString('base64url');
  const people = {} as Record<Who, { id: string; email: string; password: string; name: string }>;

  async function startNode(n: 'a' | 'b'): Promise<void> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...PG_ENV,
      NODE_ENV: 'test',
      LECTERN_ROLE: n === 'a' ? 'all' : 'api',
      LECTERN_NODE_ID: `calls-${n}`,
      PORT: String(PORTS[n]),
      HOST: '127.0.0.1',
      LECTERN_PUBLIC_URL: url(n),
      DATABASE_URL: db.url!,
      REDIS_URL: redis.url,
      LECTERN_REDIS_PREFIX: PREFIX,
      LECTERN_JWT_SECRET: secret,
      LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), `lectern-calls-${n}-`)),
      LECTERN_SCRYPT_LOG_N: '14',
      LECTERN_LOG_LEVEL: process.env.LECTERN_TEST_LOG_LEVEL ?? 'info',
      LECTERN_SFU_WORKERS: '1',
      LECTERN_RTC_PORT_BASE: String(RTC_PORT),
      LECTERN_CLIENT_DIST: DIST,
      LECTERN_RING_TIMEOUT_SECONDS: '5',
      LECTERN_CALL_SWEEP_MS: '250',
      LECTERN_OUTBOX_POLL_MS: '250',
      ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    };
    const log = createWriteStream(join(LOGS, `node-${n}.log`), { flags: 'a' });
    const proc = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    procs.push(proc);
    for (let i = 0; i < 240; i++) {
      if (proc.exitCode !== null) throw new Error(`node ${n} exited (see ${LOGS})`);
      const ok = await fetch(`${url(n)}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`node ${n} not ready`);
  }

  beforeAll(async () => {
    mkdirSync(LOGS, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', DIST, '--emptyOutDir'], { cwd: join(ROOT, 'client'), stdio: 'inherit' });
    Object.assign(process.env, PG_ENV);
    redis = await TestRedis.start();
    db = await createTestDb('postgres', { ...process.env, DATABASE_URL: process.env.LECTERN_E2E_DATABASE_URL ?? 'postgres:///test' });
    PORTS.a = await freePort();
    PORTS.b = await freePort();
    await startNode('a');
    await startNode('b');
    for (const [key, role, name] of [['teacher', 'teacher', 'Tess Teacher'], ['s1', 'student', 'Sam Student'], ['s2', 'student', 'Ada Student']] as const) {
      const email = `${key}-${randomBytes(3).toString('hex')}@example.test`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const u = await createUser(db.db, { email, password, role, name }, 14);
      people[key] = { id: u.id, email, password, name };
    }
    const [course] = await db.db.insert(courses).values({ title: 'Physics 101', ownerId: people.teacher.id }).returning();
    await db.db.insert(enrolments).values([people.s1.id, people.s2.id].map((userId) => ({ courseId: course!.id, userId })));
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    for (const p of procs) p.kill('SIGKILL');
    await redis?.stop().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
  });

  async function api<T>(node: 'a' | 'b', who: Who, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const login = await fetch(`${url(node)}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: people[who].email, password: people[who].password }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const res = await fetch(`${url(node)}${path}`, { method, headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `calls-${name}.png`) });
  const peerId = async (page: Page): Promise<string> => {
    await page.waitForFunction(() => Boolean((window as { __lectern?: { peerId: string | null } }).__lectern?.peerId), undefined, { timeout: 30_000 });
    return page.evaluate(() => (window as unknown as { __lectern: { peerId: string } }).__lectern.peerId);
  };
  const ringing = (page: Page) => page.getByRole('alertdialog', { name: 'Tess Teacher is calling' });
  const endCall = async (page: Page) => {
    // End session always asks first; click waits for the confirmation to render.
    await page.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('dialog', { name: 'End the session for everyone?' }).getByRole('button', { name: 'End for everyone' }).click();
  };

  it('calls: a group call rings on both nodes; one answers with media both ways, one misses it; the end posts the summary', async () => {
    const group = await api<{ id: string }>('a', 'teacher', 'POST', '/api/chats', { kind: 'group', title: 'Physics study group', memberIds: [people.s1.id, people.s2.id] });
    expect(group.status).toBe(201);
    const gid = group.body.id;
    // Teacher and Ada on node A, Sam on node B.
    const t = (await newPage(browser)).page;
    const s1 = (await newPage(browser)).page;
    const s2 = (await newPage(browser)).page;
    await signIn(t, url('a'), people.teacher.email, people.teacher.password);
    await signIn(s1, url('b'), people.s1.email, people.s1.password);
    await signIn(s2, url('a'), people.s2.email, people.s2.password);
    await s2.goto(`${url('a')}/chat/${gid}`);
    await s2.getByRole('heading', { name: 'Physics study group' }).waitFor();
    await t.goto(`${url('a')}/chat/${gid}`);
    await t.getByRole('heading', { name: 'Physics study group' }).waitFor();
    await shot(t, 'chat-header');

    const seen = [s1, s2].map((p) => ringing(p).waitFor({ timeout: 15_000 }).then(() => Date.now()));
    const t0 = Date.now();
    await t.getByRole('button', { name: 'Call', exact: true }).click();
    const [at1, at2] = await Promise.all(seen).catch(async (err: unknown) => {
      await shot(s1, 'debug-s1');
      await shot(s2, 'debug-s2');
      throw err;
    });
    const ms = [at1! - t0, at2! - t0];
    console.log(`[calls] ringing dialog shown after ${ms[0]} ms (node B) and ${ms[1]} ms (node A)`);
    expect(Math.max(...ms)).toBeLessThan(10_000);
    await expect.poll(() => s1.title(), { timeout: 5000 }).toContain('calling');
    await shot(s1, 'ringing');

    // The teacher is in the room; the room's side panel shows the group's chat.
    await t.waitForURL(/\/room\//);
    const teacherPeer = await peerId(t);
    // Sam accepts: into the room, media both ways.
    await ringing(s1).getByRole('button', { name: 'Accept' }).click();
    await s1.waitForURL(/\/room\//);
    const samPeer = await peerId(s1);
    await assertMediaRising(t, [samPeer]);
    await assertMediaRising(s1, [teacherPeer]);
    await t.getByText('Call started by Tess Teacher').first().waitFor({ timeout: 10_000 });
    await shot(t, 'in-call');

    // Ada lets it ring out: the dialog goes, the chat shows the missed call, and she has a notification.
    await ringing(s2).waitFor({ state: 'hidden', timeout: 20_000 });
    await s2.getByText('Missed call from Tess Teacher').first().waitFor({ timeout: 10_000 });
    await s2.getByRole('button', { name: /^Notifications \(\d+ unread\)$/ }).click();
    await s2.getByRole('dialog', { name: 'Notification center' }).getByText('Missed call from Tess Teacher').first().waitFor({ timeout: 10_000 });
    await shot(s2, 'missed');
    const notes = await api<{ type: string; urgent: boolean }[]>('b', 's2', 'GET', '/api/me/notifications');
    expect(notes.body.some((n) => n.type === 'call.ringing' && n.urgent)).toBe(true);
    expect(notes.body.some((n) => n.type === 'call.missed')).toBe(true);

    // The teacher ends the call: the chat shows the summary with its duration.
    await endCall(t);
    await s2.keyboard.press('Escape');
    const summary = s2.getByText(/Call ended · \d+ min · 2 people/).first();
    await summary.waitFor({ timeout: 15_000 });
    console.log(`[calls] summary: ${await summary.textContent()}`);
    await s2.getByRole('link', { name: 'Attendance' }).first().waitFor();
    await shot(s2, 'summary');
    for (const p of [t, s1, s2]) await p.context().close();
  });

  it('calls: a direct call declined by the callee shows "Declined" to the caller and ends', async () => {
    const direct = await api<{ id: string }>('a', 'teacher', 'POST', '/api/chats', { kind: 'direct', memberIds: [people.s1.id] });
    expect(direct.status).toBeLessThan(300);
    const t = (await newPage(browser)).page;
    const s1 = (await newPage(browser)).page;
    await signIn(t, url('a'), people.teacher.email, people.teacher.password);
    await signIn(s1, url('b'), people.s1.email, people.s1.password);
    await t.goto(`${url('a')}/chat/${direct.body.id}`);
    await t.getByRole('heading', { name: 'Sam Student' }).waitFor();
    await t.getByRole('button', { name: 'Call', exact: true }).click();
    await ringing(s1).waitFor({ timeout: 15_000 });
    await t.waitForURL(/\/room\//);
    await ringing(s1).getByRole('button', { name: 'Decline' }).click();
    await ringing(s1).waitFor({ state: 'hidden' });
    await t.getByText(/Declined: Sam Student declined the call/).waitFor({ timeout: 10_000 });
    await t.getByText('This session has ended').waitFor({ timeout: 10_000 });
    await shot(t, 'declined');
    await s1.goto(`${url('b')}/chat/${direct.body.id}`);
    await s1.getByText('Declined by Sam Student').first().waitFor({ timeout: 10_000 });
    for (const p of [t, s1]) await p.context().close();
  });
});
