// Room access refusals in a real browser: a guest the host denies, and a participant the
// host removes, see the right screen at once and again after a reload, when the server
// refuses the handshake with the code `denied` or `removed` (told apart by code, not text);
// a removed guest cannot walk back in under a new name.
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

  /** A started session with a join code, and its teacher in the room with the People panel open. */
  async function hostInRoom(title: string, guestAccess: 'lobby' | 'open') {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title, scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'Europe/Berlin', guestAccess }, teacher.token);
    const sid = s.body.id;
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);
    const { body: code } = await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token);
    const t = await newPage(browser);
    await signIn(t.page, server.url, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/room/${sid}`);
    await inRoom(t.page);
    const people = t.page.getByRole('complementary', { name: 'People' });
    if (!(await people.isVisible())) await t.page.getByRole('button', { name: /Participants|People/ }).first().click();
    return { code, t, people };
  }

  it('denied and removed: the right screen, also after a reload', async () => {
    const { code, t, people } = await hostInRoom('Access', 'lobby');

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

  it('a removed guest cannot come back under another name: new guests wait in the lobby and the old link is replaced', async () => {
    const { code, t, people } = await hostInRoom('Open door', 'open');

    // Guests enter directly; Mal is removed with "replace the join code" (on by default).
    const m = await newPage(browser);
    await joinByCode(m.page, server.url, code.code, 'Mal');
    await inRoom(m.page);
    await people.getByRole('listitem', { name: 'Mal' }).getByRole('button', { name: 'Remove' }).click();
    const ask = t.page.getByRole('dialog', { name: 'Remove Mal from the session?' });
    await ask.getByText('new guests wait in the lobby').waitFor();
    expect(await ask.getByRole('checkbox', { name: /Also replace the join code/ }).isChecked()).toBe(true);
    await ask.getByRole('button', { name: 'Remove' }).click();
    const done = t.page.getByRole('dialog', { name: 'The join code was replaced' });
    const newUrl = (await done.locator('code').textContent())?.trim() ?? '';
    expect(newUrl).toMatch(/\/j\/[0-9A-Z]{8}$/);
    expect(newUrl.endsWith(`/j/${code.code}`)).toBe(false);
    await done.getByRole('button', { name: 'Copy the new link' }).waitFor();
    await t.page.screenshot({ path: join(SHOTS, 'room-removed-code-replaced.png') });
    await done.getByRole('button', { name: 'Done' }).click();
    await m.page.getByRole('heading', { name: 'You were removed from this session' }).waitFor({ timeout: 10_000 });

    // The old link is dead; with the new one, a new identity (a fresh browser) waits in the lobby.
    const old = await newPage(browser);
    await old.page.goto(`${server.url}/j/${code.code}`);
    await old.page.getByText('is not valid, has expired').waitFor({ timeout: 10_000 });
    const back = await newPage(browser);
    await back.page.goto(newUrl.replace(/^https?:\/\/[^/]+/, server.url));
    await back.page.getByLabel('Your name').fill('Not Mal');
    await back.page.getByRole('button', { name: 'Join', exact: true }).click();
    await back.page.getByText('Waiting for the host to let you in').waitFor({ timeout: 15_000 });
    await people.getByRole('listitem', { name: 'Not Mal' }).getByRole('button', { name: 'Deny' }).waitFor();

    for (const p of [t, m, old, back]) await p.context.close();
  });
});
