// Recording in a real browser: the teacher records ~20 s of a three-person call in which a
// guest shares a screen for part of the time; everyone sees the indicator (a late joiner
// too); the result is probed with ffprobe and lasts what the server recorded, every camera
// is in the grid, a frame from the middle of the share must show the shared screen, and
// the session page plays it. Screenshots go to /tmp/lectern-shots.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../server/src/recording/ffmpeg.js';
import { assertMediaRising, closeBrowserSuite, openBrowserSuite, newPage, waitForMedia, type TestServer, type TestUser, shotsDir } from './support.js';

const SHOTS = shotsDir('/tmp/lectern-shots');

interface Rec {
  id: string;
  url: string;
  status: string;
  durationSeconds: number | null;
  startedAt: string;
  stoppedAt: string | null;
  error: string | null;
  tracks: { file: string; peerId: string; source: string; startSeconds: number; endSeconds: number }[];
}

/** One frame at `t` seconds, scaled to 64x36 RGB. */
function frame(file: string, t: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = spawn('/usr/bin/ffmpeg', ['-v', 'error', '-ss', t.toFixed(2), '-i', file, '-frames:v', '1', '-vf', 'scale=64:36', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const out: Buffer[] = [];
    c.stdout.on('data', (d: Buffer) => out.push(d));
    c.once('close', (code) => (code === 0 && out.length ? resolve(Buffer.concat(out)) : reject(new Error(`no frame at ${t}s of ${file}`))));
  });
}
const diff = (a: Buffer, b: Buffer) => a.reduce((s, v, i) => s + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
/** Share of pixels of the composition's background colour (0x1b1f24: the grid's letterbox bands). */
const darkShare = (f: Buffer) => {
  let dark = 0;
  for (let i = 0; i < f.length; i += 3) if (Math.abs((f[i] ?? 0) - 0x1b) + Math.abs((f[i + 1] ?? 0) - 0x1f) + Math.abs((f[i + 2] ?? 0) - 0x24) < 30) dark++;
  return dark / (f.length / 3);
};

describe('recording in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => void ({ server, browser, teacher } = await openBrowserSuite({ LECTERN_RTC_PORT_BASE: '25400' }, 'Rhea Recorder')));
  afterAll(() => closeBrowserSuite(browser, server));

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(teacher.email);
    await page.getByLabel('Password').fill(teacher.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }
  async function peerId(page: Page): Promise<string> {
    await page.waitForFunction(() => Boolean((window as { __lectern?: { peerId: string | null } }).__lectern?.peerId), undefined, { timeout: 30_000 });
    return page.evaluate(() => (window as unknown as { __lectern: { peerId: string } }).__lectern.peerId);
  }
  async function joinByCode(page: Page, code: string, name: string): Promise<string> {
    await page.goto(`${server.url}/j/${code}`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    return peerId(page);
  }
  const indicator = (page: Page) => page.getByRole('status').filter({ hasText: /^\W*Recording$/ });

  it('recording: teacher records ~20 s of three people with a screen share; ffprobe, the grid, a middle frame and the session page agree', async () => {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Recorded lecture', scheduledAt: new Date().toISOString(), durationMinutes: 45, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
    const sid = s.body.id;
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token)).body.code;

    const t = await newPage(browser);
    await signIn(t.page);
    await t.page.goto(`${server.url}/room/${sid}`);
    const teacherPeer = await peerId(t.page);
    const g = await newPage(browser);
    const guestPeer = await joinByCode(g.page, code, 'Gus Guest');
    const third = await newPage(browser);
    const thirdPeer = await joinByCode(third.page, code, 'Tia Third');
    await assertMediaRising(t.page, [guestPeer, thirdPeer]);
    await assertMediaRising(g.page, [teacherPeer, thirdPeer]);
    // Only the host has the button.
    expect(await g.page.getByRole('button', { name: 'Record' }).count()).toBe(0);

    // Record: both see the indicator.
    await t.page.getByRole('button', { name: 'Record', exact: true }).click();
    await indicator(t.page).waitFor({ timeout: 15_000 });
    const startedAt = Date.now(); // paces the screen share below; the duration check uses the server's times
    await indicator(g.page).waitFor({ timeout: 5000 });
    await indicator(third.page).waitFor({ timeout: 5000 });
    await t.page.getByRole('button', { name: 'Stop recording' }).waitFor();
    await t.page.screenshot({ path: join(SHOTS, 'recording-room-indicator.png') });

    // Someone joining now is told at once.
    const late = await newPage(browser);
    await joinByCode(late.page, code, 'Lou Late');
    await indicator(late.page).waitFor({ timeout: 10_000 });
    await late.page.getByText('This session is being recorded').first().waitFor({ timeout: 5000 });
    await late.context.close();

    // The guest shares a screen for part of the recording.
    await g.page.waitForTimeout(Math.max(0, startedAt + 5000 - Date.now()));
    await g.page.getByRole('button', { name: 'Share screen' }).click();
    await waitForMedia(t.page, (st) => st.some((x) => x.peerId === guestPeer && x.source === 'screen' && x.framesDecoded > 0));
    await g.page.waitForTimeout(9000);
    await g.page.getByRole('button', { name: 'Stop sharing' }).click();
    await g.page.waitForTimeout(Math.max(0, startedAt + 20_000 - Date.now()));

    await t.page.getByRole('button', { name: 'Stop recording' }).click();
    await expect.poll(() => indicator(t.page).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => indicator(g.page).count(), { timeout: 5000 }).toBe(0);

    // Processing finishes; the list says ready.
    let rec: Rec | undefined;
    await expect
      .poll(async () => {
        rec = (await server.api<Rec[]>('GET', `/api/sessions/${sid}/recordings`, undefined, teacher.token)).body[0];
        return rec?.status;
      }, { timeout: 120_000, interval: 1000 })
      .toBe('ready');
    expect(rec!.error).toBeNull();

    const dir = join(server.lectern.runtime.ctx.config.recording.dir, sid, rec!.id);
    const file = join(dir, 'recording.mp4');
    const p = await probe('/usr/bin/ffprobe', file);
    // The file lasts as long as the server says it recorded (its own start and stop times),
    // not as long as this test's polls of the page took to notice.
    const recordedSeconds = (Date.parse(rec!.stoppedAt!) - Date.parse(rec!.startedAt)) / 1000;
    console.log(`recording: the server recorded ${recordedSeconds.toFixed(2)} s, file ${p.durationSeconds.toFixed(2)} s, streams ${p.streams.map((x) => `${x.codecType}/${x.codecName}`).join(', ')}`);
    expect(p.streams.some((x) => x.codecType === 'audio')).toBe(true);
    expect(p.streams.some((x) => x.codecType === 'video' && x.width === 1280 && x.height === 720)).toBe(true);
    expect(Math.abs(p.durationSeconds - recordedSeconds)).toBeLessThan(1);

    // Per-participant tracks are kept: three cameras, three microphones, the screen.
    // (The late joiner stayed a moment only: their tracks may or may not have made it.)
    const who = new Map([[teacherPeer, 'teacher'], [guestPeer, 'guest'], [thirdPeer, 'third']]);
    const sources = rec!.tracks
      .filter((x) => who.has(x.peerId))
      .map((x) => `${who.get(x.peerId)}/${x.source}`)
      .sort();
    expect(sources).toEqual(['guest/mic', 'guest/screen', 'guest/webcam', 'teacher/mic', 'teacher/webcam', 'third/mic', 'third/webcam']);
    const screen = rec!.tracks.find((x) => x.source === 'screen')!;
    const screenFile = join(dir, screen.file);
    expect(readdirSync(dir)).toContain(screen.file);

    // A frame from the middle of the share shows the shared screen: full-frame like the
    // screen track itself, not the two-camera grid shown before the share (dark bands).
    const mid = (screen.startSeconds + screen.endSeconds) / 2;
    const during = await frame(file, mid);
    const before = await frame(file, Math.max(1, screen.startSeconds - 2));
    const screenRef = await frame(screenFile, Math.max(0, mid - screen.startSeconds));
    const stats = { dDuring: diff(during, screenRef), dBefore: diff(before, screenRef), darkDuring: darkShare(during), darkBefore: darkShare(before) };
    console.log(`recording: middle frame at ${mid.toFixed(1)} s ${JSON.stringify(stats)}`);
    // Before the share every camera is in the grid (2x2 for three or four people: the cell
    // centres of three cells at least are a camera's picture, not the background).
    const cellCentres = [[16, 9], [48, 9], [16, 27], [48, 27]].map(([x, y]) => darkShare(before.subarray(((y ?? 0) * 64 + (x ?? 0)) * 3, ((y ?? 0) * 64 + (x ?? 0)) * 3 + 3)));
    expect(cellCentres.filter((d) => d === 0).length).toBeGreaterThanOrEqual(3);
    expect(stats.darkDuring).toBeLessThan(0.05);
    expect(stats.darkBefore).toBeGreaterThan(0.15); // three cameras in a 2x2 grid: one empty quarter
    expect(stats.dDuring).toBeLessThan(stats.dBefore / 2);
    await new Promise<void>((resolve, reject) => {
      const c = spawn('/usr/bin/ffmpeg', ['-v', 'error', '-y', '-ss', mid.toFixed(2), '-i', file, '-frames:v', '1', join(SHOTS, 'recording-middle-frame.png')]);
      c.once('close', (code) => (code === 0 ? resolve() : reject(new Error('frame png'))));
    });

    // Access: anonymous 401, a guest of another session 403.
    expect((await fetch(`${server.url}${rec!.url}`)).status).toBe(401);
    const other = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Other', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
    await server.api('POST', `/api/sessions/${other.body.id}/start`, undefined, teacher.token);
    const otherCode = (await server.api<{ code: string }>('POST', `/api/sessions/${other.body.id}/codes`, undefined, teacher.token)).body.code;
    const otherGuest = await server.api<{ roomToken: string }>('POST', '/api/join', { code: otherCode, displayName: 'Outsider' });
    expect((await fetch(`${server.url}${rec!.url}?token=${otherGuest.body.roomToken}`)).status).toBe(403);

    // The session page lists it and plays it in the browser (Range requests).
    await t.page.goto(`${server.url}/sessions/${sid}`);
    const video = t.page.locator('video.recording-player');
    await video.waitFor({ timeout: 15_000 });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const playerDuration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(Math.abs(playerDuration - p.durationSeconds)).toBeLessThan(0.5);
    await video.evaluate((v: HTMLVideoElement, at: number) => (v.currentTime = at), mid);
    await t.page.waitForTimeout(1000);
    await t.page.getByRole('heading', { name: 'Recordings' }).scrollIntoViewIfNeeded();
    await t.page.screenshot({ path: join(SHOTS, 'recording-session-page.png'), fullPage: true });
    expect(await t.page.getByRole('link', { name: 'Download' }).count()).toBe(1);
    expect(await t.page.getByRole('button', { name: 'Delete' }).count()).toBe(1);
    await t.context.close();
    await g.context.close();
    await third.context.close();
  });
});
