// Journeys 1-3 of DESIGN.md in a real browser: join by code (lobby and open), a group call
// with media flowing every way, screen share, teacher mute, reconnect after a drop, and
// the end of the session. Screenshots go to artifacts/screenshots.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertMediaRising, closeBrowserSuite, joinByCode, newPage, openBrowserSuite, remoteStats, shotsDir, signIn, waitForMedia, waitForPeerId, watchAppears, type TestServer, type TestUser } from './support.js';

const SHOTS = shotsDir();

describe('room journeys in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => void ({ server, browser, teacher } = await openBrowserSuite({ LECTERN_RTC_PORT_BASE: '24100' }, 'Tess Teacher')));
  afterAll(() => closeBrowserSuite(browser, server));

  const peerId = (page: Page) => waitForPeerId(page, 20_000);

  /** The teacher's page in the session's room, and her peer id. */
  async function teacherInRoom(sid: string): Promise<{ t: Awaited<ReturnType<typeof newPage>>; teacherPeer: string }> {
    const t = await newPage(browser);
    await signIn(t.page, server.url, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/room/${sid}`);
    return { t, teacherPeer: await peerId(t.page) };
  }

  /** A guest's page joined by code to an open room, and the guest's peer id. */
  async function guestJoins(code: string, name: string): Promise<{ g: Awaited<ReturnType<typeof newPage>>; peer: string }> {
    const g = await newPage(browser);
    await joinByCode(g.page, server.url, code, name);
    return { g, peer: await peerId(g.page) };
  }

  async function newSession(guestAccess: 'lobby' | 'open'): Promise<{ sid: string; code: string }> {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Physics 101', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'Europe/Berlin', guestAccess }, teacher.token);
    expect(s.status).toBe(201);
    expect((await server.api('POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token)).status).toBe(200);
    const c = await server.api<{ code: string; url: string }>('POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token);
    expect(c.body.url).toMatch(new RegExp(`/j/${c.body.code}$`));
    return { sid: s.body.id, code: c.body.code };
  }

  it('room: join by code, lobby, group call, screen share, mute, end', async () => {
    const { sid, code } = await newSession('lobby');

    const { t, teacherPeer } = await teacherInRoom(sid);

    // Guest A: lobby, admitted by the teacher.
    const a = await newPage(browser);
    await a.page.goto(`${server.url}/j/${code}`);
    await a.page.getByLabel('Your name').fill('Ada');
    await a.page.waitForTimeout(1500); // let the camera preview start for the screenshot
    await a.page.screenshot({ path: join(SHOTS, 'join-page.png') });
    await a.page.getByRole('button', { name: 'Join', exact: true }).click();
    await a.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
    const people = t.page.getByRole('complementary', { name: 'People' });
    if (!(await people.isVisible())) await t.page.getByRole('button', { name: /Participants|People/ }).first().click();
    await people.getByRole('listitem', { name: 'Ada' }).getByRole('button', { name: 'Admit' }).click();
    const adaPeer = await peerId(a.page);

    // The teacher opens the room to everyone; guest B walks straight in.
    expect((await server.api('PATCH', `/api/sessions/${sid}/room`, { guestAccess: 'open' }, teacher.token)).status).toBe(200);
    const { g: b, peer: baoPeer } = await guestJoins(code, 'Bao');

    // Everyone receives everyone else's audio and video.
    await assertMediaRising(t.page, [adaPeer, baoPeer]);
    await assertMediaRising(a.page, [teacherPeer, baoPeer]);
    await assertMediaRising(b.page, [teacherPeer, adaPeer]);
    expect(await t.page.locator('video').count()).toBeGreaterThanOrEqual(2);
    await t.page.waitForTimeout(500);
    await t.page.screenshot({ path: join(SHOTS, 'room-three-participants.png') });

    // Ada shares her screen; Tess and Bao receive it.
    await a.page.getByRole('button', { name: 'Share screen' }).click();
    for (const p of [t.page, b.page]) {
      await waitForMedia(p, (s) => s.some((x) => x.peerId === adaPeer && x.source === 'screen' && x.framesDecoded > 0));
    }
    const screenBefore = (await remoteStats(b.page)).find((x) => x.source === 'screen')!;
    await waitForMedia(b.page, (s) => s.some((x) => x.source === 'screen' && x.framesDecoded > screenBefore.framesDecoded));
    await t.page.screenshot({ path: join(SHOTS, 'room-screen-share.png') });

    // The teacher mutes Ada: her microphone producer is paused on the server, and she sees it.
    await people.getByRole('listitem', { name: 'Ada' }).getByRole('button', { name: 'Mute' }).click();
    const node = server.lectern.sfuHost!.node;
    await expect
      .poll(async () => (await node.listProducers({ roomId: sid })).find((p) => p.peerId === adaPeer && p.source === 'mic')?.paused, { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => a.page.getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');

    // The teacher ends the session: every page shows it. Measured from the server's own end
    // time to the moment each page shows it (the page's clock), not around this test's click
    // and polls. The product aims at 2 s; on a busy 2-core CI machine the bound asserted is
    // generous, and the real figure is printed.
    await t.page.getByRole('button', { name: 'End session' }).click();
    const confirm = t.page.getByRole('dialog', { name: 'End the session for everyone?' }).getByRole('button', { name: 'End for everyone' });
    await confirm.waitFor();
    const shown = await Promise.all([a.page, b.page, t.page].map((p) => watchAppears(p, 'This session has ended')));
    await confirm.click();
    const shownAt = await Promise.all(shown.map((at) => at()));
    const endedAt = Date.parse((await server.api<{ endedAt: string | null }>('GET', `/api/sessions/${sid}`, undefined, teacher.token)).body.endedAt ?? '');
    const ms = shownAt.map((at) => at - endedAt);
    console.log(`[room] "This session has ended" shown ${ms.join(', ')} ms after the server ended it (Ada, Bob, teacher)`);
    for (const m of ms) expect(m).toBeGreaterThanOrEqual(-50); // not before the end (clocks of one machine)
    expect(Math.max(...ms)).toBeLessThan(10_000);
    // the code is dead
    const late = await server.api('POST', '/api/join', { code, displayName: 'Late' });
    expect(late.status).toBe(404);
    for (const p of [t, a, b]) await p.context.close();
  });

  it('room: a guest whose connection drops is back with media flowing, without a reload', async () => {
    const { sid, code } = await newSession('open');
    const { t, teacherPeer } = await teacherInRoom(sid);
    const { g, peer: danaPeer } = await guestJoins(code, 'Dana');
    await assertMediaRising(g.page, [teacherPeer]);
    await assertMediaRising(t.page, [danaPeer]);
    await g.page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));

    // Break both the signaling socket and the media transports of Dana's connection.
    const nsp = server.lectern.io!.of('/rtc');
    const sock = [...nsp.sockets.values()].find((s) => (s.data as { peerId?: string }).peerId === danaPeer)!;
    expect(sock).toBeDefined();
    await server.lectern.sfuHost!.node.removePeer({ roomId: sid, peerId: danaPeer });
    sock.conn.close();

    // Media flows again in both directions, on the same page (no reload).
    await assertMediaRising(g.page, [teacherPeer]);
    await assertMediaRising(t.page, [danaPeer]);
    expect(await g.page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
    await t.context.close();
    await g.context.close();
  });
});
