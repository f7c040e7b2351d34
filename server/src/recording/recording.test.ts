// Server-side recording end to end in Node: real mediasoup, ffmpeg-generated RTP producers
// (two participants with camera and mic, a screen share for part of the time), the real
// Recorder and HTTP API, ffprobe on the result. The browser suite covers the UI.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dbKinds, type TestDb } from '@lectern/db/testing';
import { ManualClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import { setAccess } from '../rooms/roomAccess.js';
import { cleaningUp, testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';
import { probe } from './ffmpeg.js';
import type { RecordingDto } from './contract.js';
import { ffmpegProducer, frameAt, lavfiFrame, meanAbsDiff, type RtpProducer } from './test/rtpSources.js';

// Below the ephemeral port range (32768+), where browsers and clients pick their ports.
const PORT_BASE = 25420;
const SCREEN = 'smptebars=size=640x360:rate=5';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dbKinds())('recording on %s', { timeout: 180_000 }, (kind) => {
  let db: TestDb;
  let lectern: Lectern;
  let clock: ManualClock;
  let host: { authorization: string };
  let otherTeacher: { authorization: string };
  const producers: RtpProducer[] = [];

  beforeAll(async () => {
    db = await createTestDb(kind);
    clock = new ManualClock(new Date());
    const config = loadConfig(
      testEnv({ PORT: '0', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: String(PORT_BASE + (kind === 'postgres' ? 1 : 0)), LECTERN_RECORDING_RETENTION_DAYS: '30' }),
    );
    lectern = cleaningUp(await startLectern(config, { db, clock, serveClient: false }));
    const sign = async (email: string) => {
      const u = await createUser(db.db, { email, name: email.split('@')[0] ?? 'T', password: 'teacher-password-1', role: 'teacher' }, 14);
      return { authorization: `Bearer ${await lectern.runtime.ctx.tokens.signAccess({ userId: u.id, role: 'teacher' })}` };
    };
    host = await sign('host@example.test');
    otherTeacher = await sign('other@example.test');
  });
  afterAll(async () => {
    for (const p of producers) await p.stop();
    await lectern?.close();
    await db?.destroy();
  });

  const api = async <T>(method: string, url: string, headers: Record<string, string> = host, body?: unknown) => {
    const res = await fetch(`${lectern.url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T, headers: res.headers };
  };

  async function liveSession(): Promise<string> {
    const s = await api<{ id: string }>('POST', '/api/sessions', host, { title: 'Recorded class', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', participantLimit: 2 });
    expect(s.status).toBe(201);
    expect((await api('POST', `/api/sessions/${s.body.id}/start`)).status).toBe(200);
    return s.body.id;
  }

  async function participant(sid: string, peerId: string, pattern: string, tone: number): Promise<RtpProducer[]> {
    const node = lectern.sfuHost!.node;
    await node.ensureRoom({ roomId: sid, maxPeers: 2 }); // exactly the people: the recorder must not take a seat
    await node.addPeer({ roomId: sid, peerId });
    const made = [
      await ffmpegProducer(node, sid, peerId, 'webcam', `${pattern}=size=320x240:rate=10`),
      await ffmpegProducer(node, sid, peerId, 'mic', `sine=frequency=${tone}:sample_rate=48000`),
    ];
    producers.push(...made);
    for (const m of made) await m.flowing();
    return made;
  }

  async function recordingOf(sid: string, rid: string): Promise<RecordingDto> {
    const list = await api<RecordingDto[]>('GET', `/api/sessions/${sid}/recordings`);
    expect(list.status).toBe(200);
    const r = list.body.find((x) => x.id === rid);
    if (!r) throw new Error('recording not listed');
    return r;
  }

  const fileOf = (sid: string, rid: string) => join(lectern.runtime.ctx.config.recording.dir, sid, rid, 'recording.mp4');

  it('recording records two participants and a screen share, survives one leaving, and composes a playable file', async () => {
    const sid = await liveSession();
    await participant(sid, 'alice', 'testsrc', 440);
    await participant(sid, 'bob', 'rgbtestsrc', 660);

    const start = await api<{ id: string }>('POST', `/api/sessions/${sid}/recordings`);
    expect(start.status).toBe(201);
    const startedAt = performance.now();
    const rid = start.body.id;
    expect((await recordingOf(sid, rid)).status).toBe('recording');
    expect((await api('POST', `/api/sessions/${sid}/recordings`)).status).toBe(409); // one at a time

    await sleep(2000);
    const screen = await ffmpegProducer(lectern.sfuHost!.node, sid, 'bob', 'screen', SCREEN);
    producers.push(screen);
    await screen.flowing();
    await sleep(2000);
    // Alice leaves mid-recording: her producers go away; the recording carries on.
    await lectern.sfuHost!.node.removePeer({ roomId: sid, peerId: 'alice' });
    await sleep(2000);
    await screen.stop();
    await sleep(1500);
    expect((await recordingOf(sid, rid)).status).toBe('recording');

    const stop = await api('POST', `/api/sessions/${sid}/recordings/${rid}/stop`);
    const recordedSeconds = (performance.now() - startedAt) / 1000;
    expect(stop.status).toBe(200);
    expect(['processing', 'ready']).toContain((await recordingOf(sid, rid)).status);
    await lectern.services.recorder!.idle();

    const done = await recordingOf(sid, rid);
    expect(done.error).toBeNull();
    expect(done.status).toBe('ready');
    const file = fileOf(sid, rid);
    const p = await probe('/usr/bin/ffprobe', file);
    expect(p.streams.map((s) => s.codecType).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(p.durationSeconds - recordedSeconds)).toBeLessThan(1);
    expect(Math.abs((done.durationSeconds ?? 0) - recordedSeconds)).toBeLessThan(1);
    // Per-participant tracks are kept: both cameras, both mics, the screen.
    const sources = done.tracks.map((t) => `${t.peerId}/${t.source}`).sort();
    expect(sources).toEqual(['alice/mic', 'alice/webcam', 'bob/mic', 'bob/screen', 'bob/webcam']);
    const aliceCam = done.tracks.find((t) => t.peerId === 'alice' && t.source === 'webcam')!;
    expect(aliceCam.endSeconds).toBeLessThan(recordedSeconds - 2); // she left well before the end
    const screenTrack = done.tracks.find((t) => t.source === 'screen')!;
    // A frame from the middle of the share shows the screen; one from before it does not.
    const reference = await lavfiFrame(SCREEN);
    const during = await frameAt(file, (screenTrack.startSeconds + screenTrack.endSeconds) / 2);
    const before = await frameAt(file, Math.max(0.5, screenTrack.startSeconds - 1));
    expect(meanAbsDiff(during, reference)).toBeLessThan(25);
    expect(meanAbsDiff(before, reference)).toBeGreaterThan(40);
    expect(existsSync(join(file, '..', aliceCam.file))).toBe(true);
    expect((await readdir(join(file, '..'))).some((f) => f.endsWith('.part'))).toBe(false);
  });

  it('recording finishes cleanly when the teacher ends the session while recording', async () => {
    const sid = await liveSession();
    await participant(sid, 'carol', 'testsrc', 500);
    const rid = (await api<{ id: string }>('POST', `/api/sessions/${sid}/recordings`)).body.id;
    const startedAt = performance.now();
    await sleep(3500);
    expect((await api('POST', `/api/sessions/${sid}/end`)).status).toBe(200);
    const recordedSeconds = (performance.now() - startedAt) / 1000;
    await sleep(200);
    await lectern.services.recorder!.idle();
    const done = await recordingOf(sid, rid);
    expect(done.status).toBe('ready');
    const p = await probe('/usr/bin/ffprobe', fileOf(sid, rid));
    expect(p.streams.map((s) => s.codecType).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(p.durationSeconds - recordedSeconds)).toBeLessThan(1);
    // No recording can start on an ended session.
    expect((await api('POST', `/api/sessions/${sid}/recordings`)).status).toBe(409);
  });

  it('recording access: anonymous 401, outsiders 403, this session guest token 200 with Range 206; host deletes', async () => {
    const sid = await liveSession();
    const rid = (await api<{ id: string }>('POST', `/api/sessions/${sid}/recordings`)).body.id;
    expect((await api('POST', `/api/sessions/${sid}/recordings/${rid}/stop`, otherTeacher)).status).toBe(403);
    await sleep(1500);
    expect((await api('POST', `/api/sessions/${sid}/recordings/${rid}/stop`)).status).toBe(200);
    await lectern.services.recorder!.idle();
    const rec = await recordingOf(sid, rid);
    expect(rec.status).toBe('ready');

    const tokens = lectern.runtime.ctx.tokens;
    const other = await liveSession();
    const otherGuest = await tokens.signRoom({ participantId: 'guest:x', sessionId: other, role: 'guest', displayName: 'X', userId: null });
    const guest = await tokens.signRoom({ participantId: 'guest:y', sessionId: sid, role: 'guest', displayName: 'Y', userId: null });
    await setAccess(lectern.runtime.ctx, sid, 'guest:y', 'admitted'); // the room let them in (see recordingAccess.test.ts)
    const get = (url: string, headers: Record<string, string> = {}) => fetch(`${lectern.url}${url}`, { headers });

    expect((await get(`/api/sessions/${sid}/recordings`)).status).toBe(401);
    expect((await get(rec.url)).status).toBe(401);
    expect((await get(`${rec.url}?token=${otherGuest}`)).status).toBe(403);
    expect((await get(`/api/sessions/${sid}/recordings?token=${otherGuest}`)).status).toBe(403);
    expect((await get(rec.url, otherTeacher)).status).toBe(403);
    expect((await get(`${rec.url}?token=not-a-token`)).status).toBe(401);

    const full = await get(`${rec.url}?token=${guest}`);
    expect(full.status).toBe(200);
    const size = Number(full.headers.get('content-length'));
    expect((await full.arrayBuffer()).byteLength).toBe(size);
    const part = await get(`${rec.url}?token=${guest}`, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expect((await get(`${rec.url}?token=${guest}`, { range: `bytes=${size + 10}-` })).status).toBe(416);
    const download = await get(`${rec.downloadUrl}&token=${guest}`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.mp4"$/);
    await download.arrayBuffer();

    expect((await api('DELETE', `/api/sessions/${sid}/recordings/${rid}`, otherTeacher)).status).toBe(403);
    expect((await api('DELETE', `/api/sessions/${sid}/recordings/${rid}`)).status).toBe(204);
    expect(existsSync(fileOf(sid, rid))).toBe(false);
    expect((await api<RecordingDto[]>('GET', `/api/sessions/${sid}/recordings`)).body).toEqual([]);
  });

  it('recording start refuses a second recording even when two starts race', async () => {
    const sid = await liveSession();
    const results = await Promise.all([1, 2, 3].map(() => api<{ id: string }>('POST', `/api/sessions/${sid}/recordings`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const rid = results.find((r) => r.status === 201)!.body.id;
    const list = await api<RecordingDto[]>('GET', `/api/sessions/${sid}/recordings`);
    expect(list.body.map((r) => r.id)).toEqual([rid]);
    expect((await api('POST', `/api/sessions/${sid}/recordings/${rid}/stop`)).status).toBe(200);
    await lectern.services.recorder!.idle();
  });

  it('recording retention deletes finished recordings older than the configured days', async () => {
    const sid = await liveSession();
    const rid = (await api<{ id: string }>('POST', `/api/sessions/${sid}/recordings`)).body.id;
    await sleep(1200);
    await api('POST', `/api/sessions/${sid}/recordings/${rid}/stop`);
    const recorder = lectern.services.recorder!;
    await recorder.idle();
    expect(await recorder.cleanup()).toBe(0);
    clock.advance(29 * 86_400_000);
    expect(await recorder.cleanup()).toBe(0);
    clock.advance(2 * 86_400_000);
    expect(await recorder.cleanup()).toBeGreaterThanOrEqual(1);
    expect(existsSync(fileOf(sid, rid))).toBe(false);
    clock.set(new Date());
  });
});
