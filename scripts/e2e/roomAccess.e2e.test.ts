// Room access refusals in a real browser: a guest the host denies, and a participant the
// host removes, see the right screen at once and again after a reload, when the server
// refuses the handshake with the code `denied` or `removed` (told apart by code, not text).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinByCode, closeBrowserSuite, openBrowserSuite, newPage, signIn, type TestServer, type TestUser, shotsDir } from './support.js';

const SHOTS = shotsDir();

describe('room access refusals in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => void ({ server, browser, teacher } = await openBrowserSuite({ LECTERN_RTC_PORT_BASE: '24300' }, 'Tess Teacher')));
  afterAll(() => closeBrowserSuite(browser, server));

  const inRoom = (page: Page) =>
    page.waitForFunction(() => (window as { __lectern?: { phase: string } }).__lectern?.phase === 'joined', undefined, { timeout: 20_000 });

  it('denied and removed: the right screen, also after a reload', async () => {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Access', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'Europe/Berlin', guestAccess: 'lobby' }, teacher.token);
    const sid = s.body.id;
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);
    const { body: code } = await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token);

    const t = await newPage(browser);
    await signIn(t.page, server.url, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/room/${sid}`);
    await inRoom(t.page);
    const people = t.page.getByRole('complementary', { name: 'People' });
    if (!(await people.isVisible())) await t.page.getByRole('button', { name: /Participants|People/ }).first().click();

    // Denied from the lobby.
    const d = await newPage(browser);
    await joinByCode(d.page, server.url, code.code, 'Dora');
    await d.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
    await people.getByRole('listitem', { name: 'Dora' }).getByRole('button', { name: 'Deny' }).click();
    await d.page.getByRole('heading', { name: 'You were not let in' }).waitFor({ timeout: 10_000 });
    await d.page.reload();
    await d.page.getByRole('heading', { name: 'You were not let in' }).waitFor({ timeout: 10_000 });
    await d.page.getByText('The host did not let you in.').waitFor();
    await d.page.screenshot({ path: join(SHOTS, 'room-denied-after-reload.png') });

    // Admitted, then removed.
    const r = await newPage(browser);
    await joinByCode(r.page, server.url, code.code, 'Rui');
    await r.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
    await people.getByRole('listitem', { name: 'Rui' }).getByRole('button', { name: 'Admit' }).click();
    await inRoom(r.page);
    await people.getByRole('listitem', { name: 'Rui' }).getByRole('button', { name: 'Remove' }).click();
    // Removing asks first (a confirmation dialog).
    await t.page.getByRole('dialog', { name: 'Remove Rui from the session?' }).getByRole('button', { name: 'Remove' }).click();
    await r.page.getByRole('heading', { name: 'You were removed from this session' }).waitFor({ timeout: 10_000 });
    await r.page.reload();
    await r.page.getByRole('heading', { name: 'You were removed from this session' }).waitFor({ timeout: 10_000 });
    await r.page.getByText('The host removed you from this session.').waitFor();
    await r.page.screenshot({ path: join(SHOTS, 'room-removed-after-reload.png') });

    for (const p of [t, d, r]) await p.context.close();
  });
});
