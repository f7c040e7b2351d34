// Connection quality in a real browser: every remote tile carries a quality indicator in
// words (not color alone); a guest whose uplink suffers sees "Your connection is unstable"
// and the teacher sees it next to the guest in People, both gone when it recovers. The bad
// uplink is the guest's own browser reporting heavy loss from the SFU (its senders' stats
// are wrapped by an init script): what the UI does with such figures is under test here,
// not the network (the network lab of issue 18 drops real packets).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { assertMediaRising, closeBrowserSuite, joinByCode, newPage, openBrowserSuite, shotsDir, signIn, waitForPeerId, type TestServer, type TestUser } from './support.js';

const SHOTS = shotsDir(process.env.LECTERN_E2E_SHOTS);

/** In the page: while `window.__badUplink` is set, every sender's stats say the SFU lost 12% of its packets. */
function lossyUplink(): void {
  const w = window as unknown as { __badUplink?: boolean };
  const original = Object.getOwnPropertyDescriptor(RTCRtpSender.prototype, 'getStats')?.value as (this: RTCRtpSender) => Promise<RTCStatsReport>;
  RTCRtpSender.prototype.getStats = async function (this: RTCRtpSender) {
    const report = await original.call(this);
    if (!w.__badUplink) return report;
    const out = new Map<string, unknown>();
    report.forEach((s: RTCStats, id: string) => out.set(id, s));
    out.set('e2e-remote-inbound', { id: 'e2e-remote-inbound', type: 'remote-inbound-rtp', timestamp: performance.now(), fractionLost: 0.12, roundTripTime: 0.05 });
    return out;
  };
}

describe('connection quality in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => void ({ server, browser, teacher } = await openBrowserSuite({ LECTERN_RTC_PORT_BASE: '24300' }, 'Tess Teacher')));
  afterAll(() => closeBrowserSuite(browser, server));

  const setBad = (page: Page, bad: boolean) => page.evaluate((b) => ((window as unknown as { __badUplink?: boolean }).__badUplink = b), bad);

  it('quality: tiles show an indicator; a bad uplink shows the banner to the guest and the label to the teacher, until it recovers', async () => {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Chemistry', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
    const sid = s.body.id;
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);
    const { code } = (await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token)).body;

    const t = await newPage(browser);
    await signIn(t.page, server.url, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/room/${sid}`);
    const teacherPeer = await waitForPeerId(t.page);
    const g = await newPage(browser);
    await g.context.addInitScript(lossyUplink);
    await joinByCode(g.page, server.url, code, 'Gus');
    const gusPeer = await waitForPeerId(g.page);
    await assertMediaRising(t.page, [gusPeer]);
    await assertMediaRising(g.page, [teacherPeer]);

    // Each side's tile of the other gets an indicator with a text alternative.
    const indicator = (page: Page, peer: string) => page.locator(`figure.tile[data-peer-id="${peer}"] [role=img][data-quality]`);
    await indicator(t.page, gusPeer).waitFor({ timeout: 15_000 });
    await indicator(g.page, teacherPeer).waitFor({ timeout: 15_000 });
    expect(await indicator(t.page, gusPeer).getAttribute('aria-label')).toMatch(/^(Good|Unstable|Poor) connection$/);

    // Gus's uplink goes bad: he is told, and so is the teacher, next to his name.
    await setBad(g.page, true);
    const banner = g.page.getByRole('status').filter({ hasText: 'Your connection is unstable' });
    await banner.waitFor({ timeout: 15_000 });
    const people = t.page.getByRole('complementary', { name: 'People' });
    if (!(await people.isVisible())) await t.page.getByRole('button', { name: /Participants|People/ }).first().click();
    const label = people.getByRole('listitem', { name: 'Gus' }).getByText('Poor connection');
    await label.waitFor({ timeout: 15_000 });
    await t.page.screenshot({ path: join(SHOTS, 'quality-teacher.png') });
    await g.page.screenshot({ path: join(SHOTS, 'quality-guest.png') });

    // It recovers: both go away (better readings must last a few seconds first).
    await setBad(g.page, false);
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await label.waitFor({ state: 'detached', timeout: 15_000 });
    await t.context.close();
    await g.context.close();
  });
});
