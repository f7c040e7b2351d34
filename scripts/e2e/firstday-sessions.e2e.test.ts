// First day, sessions: a join link made today for tomorrow's session still works tomorrow
// (point 5, injected clock), and the confirmations before End session, Remove participant
// and Cancel session, with toggles that say their state (point 8).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/clock.js';
import { launchBrowser } from './support.js';
import { buildClient, openPage, shot, signInAs, startFirstday, type FirstdayServer } from './firstdaySupport.js';

let dist = '';
let browser: Browser;
beforeAll(async () => {
  dist = buildClient();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('first day: join links that last', () => {
  let server: FirstdayServer;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    server = await startFirstday(dist, { clock, env: { LECTERN_RTC_PORT_BASE: '26300', LECTERN_ACCESS_TOKEN_TTL_SECONDS: '3600' } });
  });
  afterAll(async () => server?.close());

  it('codes: a code made today for tomorrow’s session shows its real validity and still works tomorrow (injected clock)', async () => {
    const teacher = await server.user('teacher', 'Tess Teacher');
    const start = new Date(clock.now().getTime() + 24 * 3600_000);
    start.setUTCMinutes(0, 0, 0);
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Chemistry', scheduledAt: start.toISOString(), durationMinutes: 60, timezone: 'UTC' }, teacher.token);
    expect(s.status).toBe(201);

    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, teacher.email, teacher.password);
    const item = page.getByRole('listitem', { name: 'Chemistry' });
    await item.getByRole('button', { name: 'Create join code' }).click();
    const box = item.getByRole('group', { name: 'Join code' });
    await box.waitFor();
    const expected = new Date(start.getTime() + 90 * 60_000); // end + 30 min grace
    const label = await box.locator('.join-link .muted').textContent();
    const shown = await page.evaluate((iso) => {
      const d = new Date(iso);
      return new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
    }, expected.toISOString());
    expect(label).toContain(`valid until ${shown}`);
    await shot(page, 'hub-code-validity-desktop-light');
    const code = (await box.locator('.code-value').textContent())!.trim();
    await context.close();

    // Tomorrow, five minutes before the start: a guest opens the link and gets in.
    clock.set(new Date(start.getTime() - 5 * 60_000));
    const guest = await openPage(browser);
    await guest.page.goto(`${server.url}/j/${code}`);
    await guest.page.getByRole('heading', { name: 'Join “Chemistry”' }).waitFor();
    await guest.page.getByText('Hosted by Tess Teacher').waitFor();
    await guest.page.getByText('The host has not started yet').waitFor();
    await shot(guest.page, 'join-before-start-desktop-light');
    await guest.page.getByLabel('Your name').fill('Gina Guest');
    await guest.page.getByRole('button', { name: 'Join', exact: true }).click();
    await guest.page.waitForURL((u) => u.pathname.startsWith('/room/'));
    await guest.context.close();

    // After the end plus the grace it is dead.
    clock.set(new Date(expected.getTime() + 1000));
    const late = await openPage(browser);
    await late.page.goto(`${server.url}/j/${code}`);
    // The join page says so before anyone types a name (point 6).
    await late.page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    expect(await late.page.getByLabel('Your name').count()).toBe(0);
    await late.context.close();
  });
});

describe('first day: confirmations', () => {
  let server: FirstdayServer;
  beforeAll(async () => {
    server = await startFirstday(dist, { env: { LECTERN_RTC_PORT_BASE: '26400' } });
  });
  afterAll(async () => server?.close());

  const peerId = async (page: Page) => {
    await page.waitForFunction(() => Boolean((window as { __lectern?: { peerId: string | null } }).__lectern?.peerId), undefined, { timeout: 20_000 });
  };

  it('room: Remove and End session ask first; Share screen and Lock room say their state', async () => {
    const teacher = await server.user('teacher', 'Tess Teacher');
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Physics', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
    await server.api('POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token)).body.code;

    const t = await openPage(browser);
    await signInAs(t.page, server.url, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/room/${s.body.id}`);
    await peerId(t.page);
    const g = await openPage(browser);
    await g.page.goto(`${server.url}/j/${code}`);
    await g.page.getByLabel('Your name').fill('Gus');
    await g.page.getByRole('button', { name: 'Join', exact: true }).click();
    await peerId(g.page);

    await t.page.getByRole('button', { name: 'Lock room' }).click();
    await t.page.getByRole('button', { name: 'Unlock room' }).waitFor();
    await t.page.getByRole('button', { name: 'Unlock room' }).click();
    await t.page.getByRole('button', { name: 'Lock room' }).waitFor();
    await g.page.getByRole('button', { name: 'Share screen' }).click();
    await g.page.getByRole('button', { name: 'Stop sharing' }).waitFor();
    await g.page.getByRole('button', { name: 'Stop sharing' }).click();
    await g.page.getByRole('button', { name: 'Share screen' }).waitFor();

    const people = t.page.getByRole('complementary', { name: 'People' });
    if (!(await people.isVisible())) await t.page.getByRole('button', { name: 'Participants' }).click();
    await people.getByRole('button', { name: 'Remove Gus' }).click();
    const remove = t.page.getByRole('dialog', { name: 'Remove Gus from the session?' });
    await remove.waitFor();
    await shot(t.page, 'room-remove-confirm-desktop-light');
    await remove.getByRole('button', { name: 'Keep it' }).click();
    await remove.waitFor({ state: 'detached' });
    expect(await people.getByRole('listitem', { name: 'Gus' }).count()).toBe(1);
    await people.getByRole('button', { name: 'Remove Gus' }).click();
    await t.page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => people.getByRole('listitem', { name: 'Gus' }).count(), { timeout: 10_000 }).toBe(0);
    // Gus came by code: the join code was replaced (the dialog's default), and the new link is shown.
    const replaced = t.page.getByRole('dialog', { name: 'The join code was replaced' });
    await replaced.getByRole('button', { name: 'Copy the new link' }).waitFor();
    await replaced.getByRole('button', { name: 'Done' }).click();
    await replaced.waitFor({ state: 'detached' });

    await t.page.getByRole('button', { name: 'End session' }).click();
    const end = t.page.getByRole('dialog', { name: 'End the session for everyone?' });
    await end.waitFor();
    await shot(t.page, 'room-end-confirm-desktop-light');
    await end.getByRole('button', { name: 'Keep it running' }).click();
    expect((await server.api<{ status: string }>('GET', `/api/sessions/${s.body.id}`, undefined, teacher.token)).body.status).toBe('live');
    await t.page.getByRole('button', { name: 'End session' }).click();
    await t.page.getByRole('button', { name: 'End for everyone' }).click();
    await t.page.getByText('This session has ended').waitFor({ timeout: 5000 });
    expect((await server.api<{ status: string }>('GET', `/api/sessions/${s.body.id}`, undefined, teacher.token)).body.status).toBe('completed');
    await t.context.close();
    await g.context.close();
  });

  it('schedule: Cancel session asks first, with the reason in the dialog', async () => {
    const teacher = await server.user('teacher', 'Tom Teacher');
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Geology', scheduledAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), durationMinutes: 45, timezone: 'UTC' }, teacher.token);
    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, teacher.email, teacher.password);
    await page.goto(`${server.url}/sessions/${s.body.id}`);
    await page.getByRole('button', { name: 'Cancel session' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel “Geology”?' });
    await dialog.waitFor();
    await dialog.getByLabel('Reason (sent to the invitees)').fill('Field trip moved');
    await shot(page, 'session-cancel-confirm-desktop-light');
    await dialog.getByRole('button', { name: 'Cancel session' }).click();
    await page.getByText('Cancelled: Field trip moved').waitFor();
    const after = await server.api<{ status: string; cancelReason: string }>('GET', `/api/sessions/${s.body.id}`, undefined, teacher.token);
    expect(after.body).toMatchObject({ status: 'cancelled', cancelReason: 'Field trip moved' });
    await context.close();
  });
});
