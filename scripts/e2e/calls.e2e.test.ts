// Instant calls in the browser across two API node processes sharing Postgres and a private
// Redis (node A also hosts the SFU): a teacher calls a group of two students on different
// nodes; both see the ringing dialog; one accepts and media flows both ways; the other
// lets it ring out (time-out 5 s here) and gets the missed-call entry and a notification;
// the teacher ends the call and the chat shows the summary. Then a direct call declined.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '@lectern/db';
import { openClassOnTwoNodes, ROOT, type ClassOnTwoNodes, type NodeName, type Person, type Who } from './nodes.js';
import { assertMediaRising, newPage, shotsDir, signIn, watchAppears } from './support.js';

const SHOTS = shotsDir(join(ROOT, 'artifacts', 'screenshots'));
/** Other suites use fixed media ports: take one at random below the ephemeral range. */
const RTC_PORT = 22000 + Math.floor(Math.random() * 3000);

describe('calls across two API nodes', () => {
  let suite: ClassOnTwoNodes;
  let browser: Browser;
  let people: Record<Who, Person>;
  const url = (n: NodeName) => suite.nodes.url(n);

  beforeAll(async () => {
    suite = await openClassOnTwoNodes('calls', {
      rtcPort: RTC_PORT,
      env: { LECTERN_RING_TIMEOUT_SECONDS: '5', LECTERN_CALL_SWEEP_MS: '250', LECTERN_OUTBOX_POLL_MS: '250' },
    });
    ({ browser, people } = suite);
  }, 300_000);
  afterAll(() => suite?.close());

  async function api<T>(node: 'a' | 'b', who: Who, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const accessToken = await suite.token(node, who);
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

    // Measured from the call's start as the server recorded it to the moment each page shows
    // the ringing dialog (the page's clock), not around this test's click and polls.
    const seen = await Promise.all([s1, s2].map((p) => watchAppears(p, { selector: '[role=alertdialog]' })));
    await t.getByRole('button', { name: 'Call', exact: true }).click();
    await Promise.all([s1, s2].map((p) => ringing(p).waitFor({ timeout: 15_000 }))).catch(async (err: unknown) => {
      await shot(s1, 'debug-s1');
      await shot(s2, 'debug-s2');
      throw err;
    });
    const shownAt = await Promise.all(seen.map((at) => at()));
    const call = (await suite.nodes.db.db.select().from(calls)).find((c) => c.conversationId === gid);
    const ms = shownAt.map((at) => at - call!.startedAt.getTime());
    console.log(`[calls] ringing dialog shown ${ms[0]} ms (node B) and ${ms[1]} ms (node A) after the server started the call`);
    for (const m of ms) expect(m).toBeGreaterThanOrEqual(-50); // not before the call (clocks of one machine)
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
