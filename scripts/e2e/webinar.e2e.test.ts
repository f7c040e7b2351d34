// Webinar mode in a real browser: a guest in a webinar session joins as a viewer (no
// Microphone or Camera button, a "Viewer" badge); the host promotes them over the socket,
// the Camera button appears, and their camera really reaches the room (the host hears of
// a new producer of theirs).
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTC_NAMESPACE, type Ack } from '../../server/src/protocol/index.js';
import { closeBrowserSuite, joinByCode, newPage, openBrowserSuite, shotsDir, waitForPeerId, type TestServer, type TestUser } from './support.js';

let server: TestServer;
let browser: Browser;
let teacher: TestUser;

beforeAll(async () => {
  ({ server, browser, teacher } = await openBrowserSuite({}, 'Wanda Webinar'));
});
afterAll(async () => {
  await closeBrowserSuite(browser, server);
});

async function ok<T>(path: string, body?: unknown): Promise<T> {
  const res = await server.api<T>('POST', path, body, teacher.token);
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function request<T>(socket: Socket, name: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(10_000).emitWithAck(name, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

describe('webinar', () => {
  it('webinar: a viewer has no camera button until the host promotes them, then publishes', async () => {
    const s = await ok<{ id: string; webinarMode: boolean }>('/api/sessions', {
      title: 'Big lecture',
      scheduledAt: new Date().toISOString(),
      durationMinutes: 30,
      timezone: 'UTC',
      guestAccess: 'open',
      webinarMode: true,
    });
    expect(s.webinarMode).toBe(true);
    await ok(`/api/sessions/${s.id}/start`);
    const { code } = await ok<{ code: string }>(`/api/sessions/${s.id}/codes`);

    // The host, in the room over the socket.
    const { roomToken } = await ok<{ roomToken: string }>(`/api/sessions/${s.id}/room-token`);
    const host = io(`${server.url}${RTC_NAMESPACE}`, { auth: { token: roomToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    const producers: { peerId: string; source: string }[] = [];
    host.on('newProducer', (p: { peerId: string; source: string }) => producers.push(p));
    try {
      await new Promise<void>((resolve, reject) => {
        host.once('welcome', () => resolve());
        host.once('connect_error', reject);
      });
      const caps = await request<{ rtpCapabilities: unknown }>(host, 'getRouterRtpCapabilities', {});
      await request(host, 'join', { rtpCapabilities: caps.rtpCapabilities });

      const { context, page } = await newPage(browser);
      try {
        await joinByCode(page, server.url, code, 'Vic Viewer');
        await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 30_000 });
        const peerId = await waitForPeerId(page);
        await page.getByRole('status').filter({ hasText: 'Viewer' }).waitFor({ timeout: 10_000 });
        expect(await page.getByRole('button', { name: 'Camera' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Microphone' }).count()).toBe(0);
        await page.screenshot({ path: join(shotsDir(), 'webinar-viewer.png') });
        // Nothing of the viewer's reaches the room (the join page's mic was on by default).
        await new Promise((r) => setTimeout(r, 1000));
        expect(producers.filter((p) => p.peerId === peerId)).toEqual([]);

        await request(host, 'promote', { peerId });
        const camera = page.getByRole('button', { name: 'Camera' });
        await camera.waitFor({ timeout: 10_000 });
        expect(await page.getByRole('status').filter({ hasText: 'Viewer' }).count()).toBe(0);
        await camera.click();
        await expect.poll(() => producers.filter((p) => p.peerId === peerId).map((p) => p.source), { timeout: 15_000 }).toContain('webcam');
        await page.screenshot({ path: join(shotsDir(), 'webinar-promoted.png') });
      } finally {
        await context.close();
      }
    } finally {
      host.disconnect();
    }
  });
});
