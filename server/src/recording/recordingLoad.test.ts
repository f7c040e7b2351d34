// Recording under load (issue 19): three participants recorded while two CPU burners keep
// the machine busy; the track files keep what the SFU forwarded to the recorder (a tap
// between the SFU and the recorder counts it); and the recorded span is the one the room was
// told about even when the SFU answers slowly (a seam delays its answers), so the composed
// file lasts exactly startedAt..stoppedAt.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import type { SfuClient } from '../sfu/SfuClient.js';
import { cleaningUp, testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';
import type { RecordingDto } from './contract.js';
import { probe } from './ffmpeg.js';
import { Recorder } from './Recorder.js';
import { isVp8KeyFrame, parseRtp } from './rtp.js';
import { ffmpegProducer, type RtpProducer } from './test/rtpSources.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Sfu = Pick<SfuClient, 'call'>;

/** What the SFU sent one recorder track: frames counted from the first key frame on. */
interface Tap {
  socket: Socket;
  target: number;
  ssrc: number;
  kind: 'audio' | 'video';
  producerId: string;
  keyed: boolean;
  frames: number;
}

/** Counts frames in a video file (or packets of an audio one). */
function countFrames(file: string, kind: 'audio' | 'video'): number {
  const stream = kind === 'video' ? 'v:0' : 'a:0';
  const r = spawnSync('/usr/bin/ffprobe', ['-v', 'error', '-select_streams', stream, '-count_packets', '-count_frames', '-show_entries', 'stream=nb_read_frames,nb_read_packets', '-of', 'json', file]);
  const s = (JSON.parse(r.stdout.toString()) as { streams: { nb_read_frames?: string; nb_read_packets?: string }[] }).streams[0];
  return Number(kind === 'video' ? s?.nb_read_frames : s?.nb_read_packets);
}

describe('recording under load', { timeout: 240_000 }, () => {
  let db: TestDb;
  let lectern: Lectern;
  let host: { authorization: string };
  const producers: RtpProducer[] = [];
  const burners: ChildProcess[] = [];
  const recorders: Recorder[] = [];
  const taps = new Map<string, Tap>();
  /** Taps count until the recording is asked to stop (what follows is not recorded). */
  let counting = true;
  /** producerId -> "peer/source" */
  const who = new Map<string, string>();

  beforeAll(async () => {
    db = await createTestDb('pglite');
    const config = loadConfig(testEnv({ PORT: '0', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: '25450' }));
    lectern = cleaningUp(await startLectern(config, { db, clock: systemClock, serveClient: false }));
    const u = await createUser(db.db, { email: 'load@example.test', name: 'Load', password: 'teacher-password-1', role: 'teacher' }, 14);
    host = { authorization: `Bearer ${await lectern.runtime.ctx.tokens.signAccess({ userId: u.id, role: 'teacher' })}` };
  });
  afterAll(async () => {
    for (const b of burners) b.kill('SIGKILL');
    for (const r of recorders) await r.close();
    for (const p of producers) await p.stop();
    for (const t of taps.values()) t.socket.close();
    await lectern?.close();
    await db?.destroy();
  });

  const api = async <T>(method: string, url: string, body?: unknown) => {
    const res = await fetch(`${lectern.url}${url}`, {
      method,
      headers: { ...host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  async function liveSession(): Promise<string> {
    const s = await api<{ id: string }>('POST', '/api/sessions', { title: 'Busy class', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', participantLimit: 3 });
    expect((await api('POST', `/api/sessions/${s.body.id}/start`)).status).toBe(200);
    return s.body.id;
  }

  /** With `encoded`, the participant's media is encoded beforehand and sent without re-encoding (CPU burners cannot starve it). */
  async function participant(sid: string, peerId: string, pattern: string, tone: number, encoded = false): Promise<void> {
    const node = lectern.sfuHost!.node;
    await node.ensureRoom({ roomId: sid, maxPeers: 3 });
    await node.addPeer({ roomId: sid, peerId });
    const video = `${pattern}=size=320x240:rate=15`;
    const audio = `sine=frequency=${tone}:sample_rate=48000`;
    const files = encoded ? encode(peerId, video, audio) : undefined;
    const made = [
      await ffmpegProducer(node, sid, peerId, 'webcam', video, files?.video),
      await ffmpegProducer(node, sid, peerId, 'mic', audio, files?.audio),
    ];
    producers.push(...made);
    who.set(made[0]!.producerId, `${peerId}/webcam`).set(made[1]!.producerId, `${peerId}/mic`);
    for (const m of made) await m.flowing();
  }

  /** The in-process SFU behind a seam: answers of `slow` methods take `delayMs` longer; `tap` puts a counter in front of every recorder track. */
  function sfuSeam(opts: { slow?: string[]; delayMs?: number; tap?: boolean; hold?: { method: string; reached: () => void; until: Promise<void> } }): Sfu {
    const node = lectern.sfuHost!.node as unknown as Record<string, (p: unknown) => Promise<unknown>>;
    const call = async (method: string, params: Record<string, unknown>): Promise<unknown> => {
      if (opts.slow?.includes(method)) await sleep(opts.delayMs ?? 0);
      if (opts.tap && method === 'connectPlainTransport') {
        const socket = createSocket('udp4');
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
        socket.setRecvBufferSize(4 * 1024 * 1024);
        const tap: Tap = { socket, target: Number(params.port), ssrc: -1, kind: 'audio', producerId: '', keyed: false, frames: 0 };
        socket.on('message', (msg) => {
          socket.send(msg, tap.target, '127.0.0.1');
          const h = parseRtp(msg);
          if (!counting || !h || h.ssrc !== tap.ssrc) return;
          if (!tap.keyed) tap.keyed = tap.kind === 'audio' || isVp8KeyFrame(msg, h.payloadOffset);
          if (tap.keyed && (tap.kind === 'audio' || ((msg[1] ?? 0) & 0x80) !== 0)) tap.frames++;
        });
        taps.set(String(params.transportId), tap);
        return node[method]!.call(node, { ...params, port: socket.address().port });
      }
      const result = await node[method]!.call(node, params);
      if (opts.hold?.method === method) {
        opts.hold.reached();
        await opts.hold.until;
      }
      const tap = method === 'consume' ? taps.get(String(params.transportId)) : undefined;
      if (tap) {
        const c = result as { kind: 'audio' | 'video'; rtpParameters: { encodings?: { ssrc?: number }[] } };
        Object.assign(tap, { ssrc: c.rtpParameters.encodings?.[0]?.ssrc ?? -1, kind: c.kind, producerId: String(params.producerId) });
      }
      return result;
    };
    return { call } as unknown as Sfu;
  }

  async function recorderWith(sfu: Sfu, told: { at: number; recording: boolean }[]): Promise<Recorder> {
    const r = await Recorder.create({ ctx: lectern.runtime.ctx, sfu, notify: (_s, recording) => told.push({ at: Date.now(), recording }) });
    recorders.push(r);
    return r;
  }

  async function recordingOf(sid: string, rid: string): Promise<RecordingDto> {
    const r = (await api<RecordingDto[]>('GET', `/api/sessions/${sid}/recordings`)).body.find((x) => x.id === rid);
    if (!r) throw new Error('recording not listed');
    return r;
  }

  it('recording spans what the room was told, and the file lasts stoppedAt - startedAt, when the SFU answers slowly', async () => {
    const sid = await liveSession();
    await participant(sid, 'dora', 'testsrc', 520);
    const told: { at: number; recording: boolean }[] = [];
    // A busy machine: the SFU takes 1.2 s to answer while the recorder joins and leaves; and
    // Eve turns her camera on after it listed the producers, before the recording started.
    let reached = () => undefined as void;
    let release = () => undefined as void;
    const listed = new Promise<void>((r) => (reached = r));
    const until = new Promise<void>((r) => (release = r));
    const recorder = await recorderWith(sfuSeam({ slow: ['addPeer', 'closeTransport', 'removePeer'], delayMs: 1200, hold: { method: 'listProducers', reached, until } }), told);
    const starting = recorder.start(sid, null);
    await listed;
    await participant(sid, 'eve', 'rgbtestsrc', 620);
    release();
    const { recordingId: rid } = await starting;
    await sleep(4000);
    await recorder.stop(sid);
    await recorder.idle();
    const done = await recordingOf(sid, rid);
    expect(done.status).toBe('ready');
    const startedAt = Date.parse(done.startedAt);
    const span = (Date.parse(done.stoppedAt!) - startedAt) / 1000;
    const p = await probe('/usr/bin/ffprobe', join(lectern.runtime.ctx.config.recording.dir, sid, rid, 'recording.mp4'));
    console.log(`recording under a slow SFU: startedAt ${told[0]!.at - startedAt} ms before the room was told; span ${span.toFixed(3)} s, file ${p.durationSeconds.toFixed(3)} s`);
    expect(told.map((t) => t.recording)).toEqual([true, false]);
    expect(Math.abs(told[0]!.at - startedAt)).toBeLessThan(1000);
    expect(Math.abs(p.durationSeconds - span)).toBeLessThan(1);
    const eve = done.tracks.find((t) => t.peerId === 'eve' && t.source === 'webcam');
    expect(eve?.startSeconds).toBeLessThan(2); // on the recording's timeline from its start
  });

  /** 10 s of VP8 (a key frame every 5 frames) and of Opus, from lavfi sources. */
  function encode(name: string, video: string, audio: string): { video: string; audio: string } {
    const dir = lectern.runtime.ctx.config.recording.dir;
    mkdirSync(dir, { recursive: true });
    const out = { video: join(dir, `${name}-source.webm`), audio: join(dir, `${name}-source.ogg`) };
    const run = (args: string[]) => {
      const r = spawnSync('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
      if (r.status !== 0) throw new Error(r.stderr.toString());
    };
    run(['-f', 'lavfi', '-i', `${video}:duration=10`, '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '400k', '-g', '5', '-keyint_min', '5', out.video]);
    run(['-f', 'lavfi', '-i', `${audio}:duration=10`, '-c:a', 'libopus', '-b:a', '48k', '-ac', '2', out.audio]);
    return out;
  }

  it('recording three participants on a busy machine keeps at least 80% of the forwarded frames in every track file', async () => {
    const sid = await liveSession();
    await participant(sid, 'ann', 'testsrc', 440, true);
    await participant(sid, 'ben', 'rgbtestsrc', 550, true);
    await participant(sid, 'cat', 'smptebars', 660, true);
    // Two busy loops on a two-core machine, for the recording only (killed in afterAll too).
    for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end);'], { stdio: 'ignore' }));
    const recorder = await recorderWith(sfuSeam({ tap: true }), []);
    const { recordingId: rid } = await recorder.start(sid, null);
    await sleep(8000);
    counting = false;
    await recorder.stop(sid);
    for (const b of burners.splice(0)) b.kill('SIGKILL');
    await recorder.idle();
    const done = await recordingOf(sid, rid);
    expect(done.status).toBe('ready');
    const dir = join(lectern.runtime.ctx.config.recording.dir, sid, rid);
    const rows: string[] = [];
    const kept: { name: string; forwarded: number; kept: number }[] = [];
    for (const tap of taps.values()) {
      const name = who.get(tap.producerId);
      const track = done.tracks.find((t) => `${t.peerId}/${t.source}` === name);
      if (!name || !track) throw new Error(`no track for producer ${tap.producerId}`);
      const frames = countFrames(join(dir, track.file), tap.kind);
      kept.push({ name, forwarded: tap.frames, kept: frames });
      rows.push(`${name} ${frames}/${tap.frames}`);
    }
    console.log(`recording under load: kept/forwarded frames ${rows.join(', ')}`);
    expect(kept).toHaveLength(6);
    for (const k of kept) {
      expect(k.forwarded, k.name).toBeGreaterThan(0);
      expect(k.kept / k.forwarded, k.name).toBeGreaterThanOrEqual(0.8);
    }
  });
});
