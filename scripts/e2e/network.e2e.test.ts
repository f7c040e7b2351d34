// Calls on networks that are not a perfect loopback (issue 18). UDP blocked: with every UDP
// packet to and from the SFU's WebRtcServer port dropped (nftables, inside the suite's private
// network namespace), a host and a guest still connect, over TCP to the same WebRtcServer,
// with media flowing both ways. Also: the microphone's Opus is published with in-band FEC and
// DTX, as the router asks. The measured connect times are printed.
import { randomBytes } from 'node:crypto';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockUdp, droppedUdpPackets, nftUnavailable } from './netfilter.js';
import { peerConnectionReports, trackPeerConnections } from './peerConnections.js';
import { assertMediaRising, closeBrowserSuite, joinByCode, newPage, openBrowserSuite, signIn, suiteFile, waitForPeerId, type TestServer, type TestUser } from './support.js';

const RTC_PORT = 25600; // one SFU worker: its WebRtcServer listens on this port, UDP and TCP
// TURN is configured (tcp and tls URLs) but nothing listens there: the page must be given
// both URLs, and a dead TURN server must not hold the direct TCP connection up.
const TURN_URLS = [`turn:127.0.0.1:${RTC_PORT + 10}?transport=tcp`, `turns:127.0.0.1:${RTC_PORT + 11}?transport=tcp`];
/** The target; asserted with room to spare on a busy CI machine, the real figure is printed. */
const TARGET_CONNECT_MS = 5000;
const BOUND_CONNECT_MS = 15_000;

const unavailable = nftUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`${suiteFile()} cannot block UDP in CI: ${unavailable}`);
if (unavailable) console.warn(`[e2e] network.e2e.test.ts SKIPPED: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('calls on real networks in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  /** Every producer the in-process SFU makes, as mediasoup sees it (its rtpParameters as negotiated). */
  const producers: ms.Producer[] = [];
  const onWorker = (w: ms.Worker) => w.observer.on('newrouter', (r) => r.observer.on('newtransport', (t) => t.observer.on('newproducer', (p) => producers.push(p))));

  beforeAll(async () => {
    mediasoup.observer.on('newworker', onWorker);
    ({ server, browser, teacher } = await openBrowserSuite(
      { LECTERN_RTC_PORT_BASE: String(RTC_PORT), LECTERN_TURN_URLS: TURN_URLS.join(','), LECTERN_TURN_SECRET: randomBytes(24).toString('base64url') },
      'Tina Teacher',
    ));
  });
  afterAll(async () => {
    mediasoup.observer.off('newworker', onWorker);
    await closeBrowserSuite(browser, server);
  });

  async function openSession(): Promise<{ sid: string; code: string }> {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Networks', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'Europe/Berlin', guestAccess: 'open' }, teacher.token);
    expect(s.status).toBe(201);
    expect((await server.api('POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token)).status).toBe(200);
    const c = await server.api<{ code: string }>('POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token);
    return { sid: s.body.id, code: c.body.code };
  }

  it('network: with UDP to the SFU blocked, host and guest connect over TCP with media both ways; the mic sends Opus with FEC and DTX', async () => {
    const { sid, code } = await openSession();
    const unblock = blockUdp({ from: RTC_PORT, to: RTC_PORT });
    try {
      const t = await newPage(browser);
      await trackPeerConnections(t.page);
      await signIn(t.page, server.url, teacher.email, teacher.password);
      await t.page.goto(`${server.url}/room/${sid}`);
      const teacherPeer = await waitForPeerId(t.page, 20_000);

      const g = await newPage(browser);
      await trackPeerConnections(g.page);
      await joinByCode(g.page, server.url, code, 'Gus');
      const guestPeer = await waitForPeerId(g.page, 20_000);

      // Audio and video decode both ways (framesDecoded rising), with UDP dropped throughout.
      await assertMediaRising(t.page, [guestPeer]);
      await assertMediaRising(g.page, [teacherPeer]);
      expect(droppedUdpPackets()).toBeGreaterThan(0); // the browsers did try UDP first

      const reports = { host: await peerConnectionReports(t.page), guest: await peerConnectionReports(g.page) };
      const times: string[] = [];
      for (const [who, pcs] of Object.entries(reports)) {
        expect(pcs.length, `${who}: a send and a recv transport`).toBe(2);
        for (const pc of pcs) {
          expect(pc.connectionState).toBe('connected');
          // The SFU offers UDP and TCP (passive) candidates on its WebRtcServer port, UDP preferred.
          const udp = pc.offered.find((c) => c.protocol === 'udp');
          const tcp = pc.offered.find((c) => c.protocol === 'tcp');
          expect(udp && tcp, JSON.stringify(pc.offered)).toBeTruthy();
          expect(tcp?.tcpType).toBe('passive');
          expect(udp!.priority).toBeGreaterThan(tcp!.priority);
          // The media goes over TCP, straight to the WebRtcServer (not through the dead TURN).
          expect(pc.selected).toEqual({ local: 'tcp', remote: 'tcp', remotePort: RTC_PORT });
          // TURN's tcp and tls URLs reach the page untouched, with credentials.
          expect(pc.iceServers).toEqual([expect.objectContaining({ urls: TURN_URLS, username: expect.any(String), credential: expect.any(String) })]);
          times.push(`${who} ${pc.connectMs} ms`);
        }
      }
      const connectMs = [...reports.host, ...reports.guest].map((pc) => pc.connectMs ?? Infinity);
      const worst = Math.max(...connectMs);
      console.log(`[network] UDP blocked: ICE checking -> connected over TCP: ${times.join(', ')} (worst ${worst} ms; target ${TARGET_CONNECT_MS} ms)`);
      expect(worst).toBeLessThan(BOUND_CONNECT_MS);

      // Opus with in-band FEC and DTX, as the SFU received the producer's parameters.
      const mics = producers.filter((p) => p.kind === 'audio' && !p.closed);
      expect(mics.length, 'both microphones seen by the SFU').toBe(2);
      for (const mic of mics) {
        const opus = mic.rtpParameters.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus');
        expect(opus?.parameters).toMatchObject({ useinbandfec: 1, usedtx: 1 });
      }
      for (const p of [t, g]) await p.context.close();
    } finally {
      unblock();
    }
  });
});
