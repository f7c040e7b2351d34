// Chat in the browser across two API node processes sharing Postgres and a private Redis
// (node A also hosts the SFU): a teacher creates a group of two enrolled students; both see
// it and get the in-app notification; a message, a thread reply, a reaction, a pin and a
// shared image show on the other pages without reload; typing and "Seen by 2" show; a
// student's attempt to create a group is refused in the UI and by the API (403); the
// session's chat panel works in the room.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses, enrolments } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { freePort, TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { createUser } from '../../server/src/users/userService.js';
import { launchBrowser, newPage, signIn } from './support.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LOGS = join(ROOT, 'artifacts', 'chat-logs');
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
const DIST = mkdtempSync(join(tmpdir(), 'lectern-e2e-chat-dist-'));
const PG_ENV = { PGHOST: process.env.LECTERN_E2E_PG_SOCKET ?? '/var/run/postgresql', PGUSER: 'postgres' };
const PORTS = { a: 0, b: 0 };
/** Other suites and engineers use fixed media ports: take one at random below the ephemeral range. */
const RTC_PORT = 26000 + Math.floor(Math.random() * 4000);
/** Chat files live in a directory both API nodes share (as on a shared volume). */
const CHAT_FILES = mkdtempSync(join(tmpdir(), 'lectern-e2e-chat-files-'));
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa7b6a3b80000000049454e44ae426082', 'hex');

describe('chat across two API nodes', () => {
  let redis: TestRedis;
  let db: TestDb;
  let browser: Browser;
  const procs: ChildProcess[] = [];
  const url = (n: 'a' | 'b') => `http://127.0.0.1:${PORTS[n]}`;
  const secret = randomBytes(48).toString('base64url');
  const people: Record<'teacher' | 's1' | 's2', { id: string; email: string; password: string; name: string }> = {} as never;

  async function startNode(n: 'a' | 'b'): Promise<void> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...PG_ENV,
      NODE_ENV: 'test',
      LECTERN_ROLE: n === 'a' ? 'all' : 'api',
      LECTERN_NODE_ID: `chat-${n}`,
      PORT: String(PORTS[n]),
      HOST: '127.0.0.1',
      LECTERN_PUBLIC_URL: url(n),
      DATABASE_URL: db.url!,
      REDIS_URL: redis.url,
      LECTERN_JWT_SECRET: secret,
      LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), `lectern-chat-${n}-`)),
      LECTERN_SCRYPT_LOG_N: '14',
      LECTERN_LOG_LEVEL: process.env.LECTERN_TEST_LOG_LEVEL ?? 'info',
      LECTERN_SFU_WORKERS: '1',
      LECTERN_RTC_PORT_BASE: String(RTC_PORT),
      LECTERN_CLIENT_DIST: DIST,
      LECTERN_CHAT_FILES_DIR: CHAT_FILES,
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

  const token = async (node: 'a' | 'b', who: keyof typeof people) => {
    const res = await fetch(`${url(node)}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: people[who].email, password: people[who].password }) });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `chat-${name}.png`) });
  const message = (page: Page, text: string) => page.getByRole('listitem', { name: /^Message from/ }).filter({ hasText: text }).first();

  it('chat: group, messages, thread, reaction, pin, image, typing, Seen by 2, refusal, and the room panel on two nodes', async () => {
    // Teacher on node A, both students on node B.
    const t = (await newPage(browser)).page;
    const a = (await newPage(browser)).page;
    const b = (await newPage(browser)).page;
    await signIn(t, url('a'), people.teacher.email, people.teacher.password);
    await signIn(a, url('b'), people.s1.email, people.s1.password);
    await signIn(b, url('b'), people.s2.email, people.s2.password);

    // A student cannot create a group: refused in the UI and by the API.
    await a.getByRole('link', { name: 'Chat' }).click();
    await a.getByRole('heading', { name: /^Chat/ }).waitFor();
    await a.getByRole('button', { name: 'New group' }).click();
    await a.getByRole('alert').filter({ hasText: 'Students cannot create group chats' }).waitFor();
    const refused = await fetch(`${url('b')}/api/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('b', 's1')}` },
      body: JSON.stringify({ kind: 'group', title: 'Mine', memberIds: [people.s2.id] }),
    });
    expect(refused.status).toBe(403);
    await b.goto(`${url('b')}/chat`);

    // The teacher creates the group with both students, picked from the course.
    await t.goto(`${url('a')}/chat`);
    await t.getByRole('button', { name: 'New group' }).click();
    const dialog = t.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Physics study group');
    await dialog.getByRole('group', { name: 'Physics 101' }).getByLabel(/Sam Student/).check();
    await dialog.getByRole('group', { name: 'Physics 101' }).getByLabel(/Ada Student/).check();
    await shot(t, 'new-group');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await t.getByRole('heading', { name: 'Physics study group' }).waitFor();

    // Both students see it without reload, and get the in-app notification.
    for (const p of [a, b]) {
      await p.getByRole('button', { name: /Physics study group/ }).waitFor({ timeout: 15_000 });
      await p.getByRole('button', { name: /Notifications \(\d+ unread\)/ }).waitFor({ timeout: 20_000 });
    }
    await a.getByRole('button', { name: 'Notifications (1 unread)' }).click();
    await a.getByText('Added to Physics study group').waitFor();
    await a.getByRole('button', { name: /^Notifications/ }).click();
    await a.getByRole('button', { name: /Physics study group/ }).click();
    await b.getByRole('button', { name: /Physics study group/ }).click();

    // A message from the teacher (node A) reaches both students (node B).
    await t.getByLabel('Message', { exact: true }).fill('Welcome! Notes at https://example.org/notes');
    await t.getByRole('button', { name: 'Send' }).click();
    for (const p of [a, b]) await message(p, 'Welcome! Notes at').waitFor({ timeout: 10_000 });
    expect(await a.getByRole('link', { name: 'https://example.org/notes' }).count()).toBe(1);

    // Typing shows on the other side.
    await a.getByLabel('Message', { exact: true }).pressSequentially('Thinking');
    await t.getByText('Sam Student is typing…').waitFor({ timeout: 10_000 });
    await a.getByLabel('Message', { exact: true }).fill('');

    // A thread reply from a student: the teacher sees the reply count.
    await message(a, 'Welcome!').getByRole('button', { name: 'Reply' }).click();
    const thread = a.getByRole('complementary', { name: 'Thread' });
    await thread.getByLabel('Reply').fill('Thanks, reading them now');
    await thread.getByRole('button', { name: 'Send' }).click();
    await message(t, 'Welcome!').getByRole('button', { name: '1 reply' }).waitFor({ timeout: 10_000 });
    await message(t, 'Welcome!').getByRole('button', { name: '1 reply' }).click();
    await t.getByRole('complementary', { name: 'Thread' }).getByText('Thanks, reading them now').waitFor();
    await t.getByRole('button', { name: 'Close thread' }).click();

    // A reaction from the other student.
    await message(b, 'Welcome!').getByRole('button', { name: 'React' }).click();
    await b.getByRole('button', { name: 'React 👍' }).click();
    await message(t, 'Welcome!').getByRole('button', { name: '👍 1' }).waitFor({ timeout: 10_000 });

    // A pin by the teacher shows on the students' pages and in the pin list.
    await message(t, 'Welcome!').getByRole('button', { name: 'Pin', exact: true }).click();
    await message(a, 'Welcome!').getByText('📌 pinned').waitFor({ timeout: 10_000 });
    await a.getByRole('button', { name: 'Pins' }).click();
    await a.getByRole('complementary', { name: 'Pinned messages' }).getByText('Welcome!', { exact: false }).waitFor();
    await a.getByRole('button', { name: 'Close pins' }).click();

    // A shared image (thumbnail) from a student.
    const file = join(mkdtempSync(join(tmpdir(), 'chat-img-')), 'diagram.png');
    writeFileSync(file, PNG);
    await b.getByLabel('Attach file').setInputFiles(file);
    await t.getByRole('img', { name: 'diagram.png' }).waitFor({ timeout: 15_000 });
    await a.getByRole('img', { name: 'diagram.png' }).waitFor({ timeout: 15_000 });

    // Seen by 2: both students are looking at the conversation when the teacher writes.
    await t.getByLabel('Message', { exact: true }).fill('Quiz on Friday');
    await t.getByLabel('Message', { exact: true }).press('Enter');
    for (const p of [a, b]) await message(p, 'Quiz on Friday').waitFor({ timeout: 10_000 });
    await t.getByText('Seen by 2').waitFor({ timeout: 15_000 });
    expect(await t.getByText('Seen by 2').getAttribute('title')).toMatch(/Ada Student.*Sam Student|Sam Student.*Ada Student/);
    await shot(t, 'teacher');
    await shot(a, 'student');

    // The session's chat in the room (the room is on node A's SFU; the student writes from node B).
    const teacherToken = await token('a', 'teacher');
    const courseId = (await db.db.select().from(courses))[0]!.id;
    const s = await fetch(`${url('a')}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${teacherToken}` },
      body: JSON.stringify({ title: 'Optics live', scheduledAt: new Date().toISOString(), durationMinutes: 60, timezone: 'UTC', courseId }),
    });
    expect(s.status).toBe(201);
    const sid = ((await s.json()) as { id: string }).id;
    expect((await fetch(`${url('a')}/api/sessions/${sid}/start`, { method: 'POST', headers: { authorization: `Bearer ${teacherToken}` } })).status).toBe(200);
    await t.goto(`${url('a')}/room/${sid}`);
    await t.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 30_000 }).catch(() => undefined);
    await shot(t, 'room-before');
    const panel = t.getByRole('region', { name: 'Chat' });
    if (!(await panel.isVisible().catch(() => false))) await t.getByRole('button', { name: /Participants|People/ }).first().click();
    await panel.getByLabel('Message', { exact: true }).fill('Hello room');
    await panel.getByRole('button', { name: 'Send' }).click();
    await a.goto(`${url('b')}/chat`);
    await a.getByRole('button', { name: /Optics live/ }).click();
    await message(a, 'Hello room').waitFor({ timeout: 10_000 }).catch(async (err: unknown) => {
      await shot(a, 'fail-student');
      await shot(t, 'fail-teacher');
      throw err;
    });
    await a.getByLabel('Message', { exact: true }).fill('Question from the chat page');
    await a.getByRole('button', { name: 'Send' }).click();
    await message(t, 'Question from the chat page').waitFor({ timeout: 10_000 });
    await shot(t, 'room-panel');

    // On a phone, the list and the conversation are two screens.
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await ctx.newPage();
    await signIn(phone, url('b'), people.s2.email, people.s2.password);
    await phone.goto(`${url('b')}/chat`);
    await phone.getByRole('button', { name: /Physics study group/ }).click();
    await message(phone, 'Quiz on Friday').waitFor();
    expect(await phone.getByRole('region', { name: 'Conversations' }).isVisible()).toBe(false);
    await shot(phone, 'phone-conversation');
    await phone.getByRole('button', { name: '← Chats' }).click();
    await phone.getByRole('button', { name: /Physics study group/ }).waitFor();
    await shot(phone, 'phone-list');
    await ctx.close();
  }, 300_000);
});
