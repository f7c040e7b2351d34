// A call through 5% random loss each way on the SFU's media port (nftables, inside the suite's
// private network namespace; the network lab's rule): every receiver keeps decoding with no
// long freeze, and publishers stop encoding the simulcast layer nobody watches (issue 18).
// The bounds are generous for a busy CI machine; the measured figures are printed, and
// `npm run bench -- netlab loss5` measures the same thing at length.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCondition, clearConditions, measuredLoss } from '../netlab/net.js';
import { CAPTURE_PCS, delta, longestStalls, sample } from '../netlab/probe.js';
import { nftUnavailable } from './netfilter.js';
import { closeBrowserSuite, joinByCode, newPage, openBrowserSuite, signIn, suiteFile, waitForPeerId, type TestServer, type TestUser } from './support.js';

const RTC_PORT = 25700; // one SFU worker: its WebRtcServer's port, where the loss applies
const MEASURE_MS = 20_000;
/** Frames/s each receiver must keep (target 15 at 20 fps sent; loss before the fix: 8-15). */
const MIN_FPS = 10;
/**
 * Longest stall of any remote video, in ms. An unrepaired packet froze a receiver until its own
 * 3 s key-frame timeout (about 3 s, several per minute); repaired losses stall for a frame or two.
 */
const MAX_STALL_MS = 2500;

const unavailable = nftUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`${suiteFile()} cannot apply loss in CI: ${unavailable}`);
if (unavailable) console.warn(`[e2e] loss.e2e.test.ts SKIPPED: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a call under packet loss in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => {
    clearConditions();
    ({ server, browser, teacher } = await openBrowserSuite({ LECTERN_RTC_PORT_BASE: String(RTC_PORT) }, 'Lena Teacher'));
  });
  afterAll(async () => {
    clearConditions();
    await closeBrowserSuite(browser, server);
  });

  it('loss: at 5% each way both receivers keep decoding without a long freeze; the unwatched top layer is not encoded', async () => {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Lossy', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
    expect((await server.api('POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token)).status).toBe(200);
    const { code } = (await server.api<{ code: string }>('POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token)).body;

    const host = await newPage(browser);
    await host.context.addInitScript(CAPTURE_PCS);
    await signIn(host.page, server.url, teacher.email, teacher.password);
    await host.page.goto(`${server.url}/room/${s.body.id}`);
    await waitForPeerId(host.page, 20_000);
    const guest = await newPage(browser);
    await guest.context.addInitScript(CAPTURE_PCS);
    await joinByCode(guest.page, server.url, code, 'Lou');
    await waitForPeerId(guest.page, 20_000);
    const pages = [host.page, guest.page];
    for (const page of pages) {
      await expect.poll(async () => (await sample(page)).video.filter((v) => v.framesDecoded > 0).length, { timeout: 30_000 }).toBe(1);
    }

    applyCondition(RTC_PORT, { kind: 'loss', percent: 5 });
    try {
      await new Promise((r) => setTimeout(r, 3000)); // settle (and the layer demand's 3 s)
      const before = await Promise.all(pages.map(sample));
      const stallMs = Math.max(...(await longestStalls(pages, MEASURE_MS)));
      const after = await Promise.all(pages.map(sample));
      const loss = measuredLoss();
      const lines = pages.map((_, i) => {
        const secs = (after[i]!.at - before[i]!.at) / 1000;
        const v = delta(before[i]!.video, after[i]!.video)[0]!;
        return { fps: Math.round((v.framesDecoded / secs) * 10) / 10, freezes: v.freezeCount, freezeSeconds: Math.round(v.totalFreezesDuration * 100) / 100, nacks: v.nackCount, lost: v.packetsLost };
      });
      console.log(`[loss] 5% each way (measured ${JSON.stringify(loss)}): host ${JSON.stringify(lines[0])}, guest ${JSON.stringify(lines[1])}, longest stall ${stallMs} ms`);
      expect(loss!.up).toBeGreaterThan(0.02); // the rule did drop packets
      expect(loss!.down).toBeGreaterThan(0.02);
      for (const line of lines) expect(line.fps).toBeGreaterThanOrEqual(MIN_FPS);
      expect(stallMs).toBeLessThan(MAX_STALL_MS);

      // Receivers watch small tiles: each publisher's 720p encoding stands idle, the others run.
      for (const page of pages) {
        const layers = (await sample(page)).sent;
        expect(layers.map((l) => l.rid).sort()).toEqual(['r0', 'r1', 'r2']);
        expect(layers.find((l) => l.rid === 'r2')?.active, JSON.stringify(layers)).toBe(false);
        expect(layers.find((l) => l.rid === 'r0')?.active).toBe(true);
      }
    } finally {
      clearConditions();
      for (const p of [host, guest]) await p.context.close();
    }
  });
});
