// Chat in the browser across two API node processes sharing Postgres and a private Redis
// (node A also hosts the SFU): a teacher creates a group of two enrolled students; both see
// it and get the in-app notification; a message, a thread reply, a reaction, a pin and a
// shared image show on the other pages without reload; typing and "Seen by 2" show; a
// student's attempt to create a group is refused in the UI and by the API (403); the
// session's chat panel works in the room.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses } from '@lectern/db';
import { openClassOnTwoNodes, ROOT, type ClassOnTwoNodes, type NodeName, type Person, type Who } from './nodes.js';
import { newPage, shotsDir, signIn } from './support.js';

const SHOTS = shotsDir(join(ROOT, 'artifacts', 'screenshots'));
/** Other suites and engineers use fixed media ports: take one at random below the ephemeral range. */
const RTC_PORT = 26000 + Math.floor(Math.random() * 4000);
/** Chat files live in a directory both API nodes share (as on a shared volume). */
const CHAT_FILES = mkdtempSync(join(tmpdir(), 'lectern-e2e-chat-files-'));
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa7b6a3b80000000049454e44ae426082', 'hex');

describe('chat across two API nodes', () => {
  let suite: ClassOnTwoNodes;
  let browser: Browser;
  let people: Record<Who, Person>;
  const url = (n: NodeName) => suite.nodes.url(n);
  const token = (n: NodeName, who: Who) => suite.token(n, who);

  beforeAll(async () => {
    suite = await openClassOnTwoNodes('chat', { rtcPort: RTC_PORT, env: { LECTERN_CHAT_FILES_DIR: CHAT_FILES } });
    ({ browser, people } = suite);
  }, 300_000);
  afterAll(() => suite?.close());

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
    const courseId = (await suite.nodes.db.db.select().from(courses))[0]!.id;
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
