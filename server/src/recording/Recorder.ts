// Server-side recording: one pseudo-peer per recording in the session's SFU room consumes
// every producer into a TrackWriter; on stop (or when the session ends or its room closes)
// the tracks are finalised and composed into one MP4, one recording at a time.
import { randomUUID } from 'node:crypto';
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq, inArray } from 'drizzle-orm';
import { recordings, sessions } from '@lectern/db';
import type { RtpCapabilities } from '@lectern/sfu';
import type { Unsubscribe } from '../bus/Bus.js';
import type { AppContext } from '../context.js';
import { AppError, assertUnreachable, ConflictError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SESSION_EVENTS_TOPIC } from '../sessions/sessionService.js';
import { SFU_EVENTS_TOPIC, type SfuClient, type SfuEvent } from '../sfu/SfuClient.js';
import { compose, ComposeError } from './compose.js';
import { probe } from './ffmpeg.js';
import { activeRecording, deleteOlderThan, recordingDir, storedTracks, updateRecording } from './recordingStore.js';
import { TrackWriter, type ProducerRefInfo, type TrackResult } from './TrackWriter.js';

export const RECORDING_CONTROL_TOPIC = 'lectern:recording:control' as const;

export const RECORDER_PEER_PREFIX = 'recorder:';
export const OUTPUT_NAME = 'recording.mp4';
/** Refuse to start when less than this is free on the recordings volume. */
const MIN_FREE_BYTES = 200 * 1024 * 1024;
const CLEANUP_EVERY_MS = 60 * 60 * 1000;

export interface RecorderOptions {
  ctx: AppContext;
  sfu: Pick<SfuClient, 'call'>;
  /** Tells the room that recording started or stopped. */
  notify?: (sessionId: string, recording: boolean, recordingId: string | null) => void;
  /** Free space check, replaceable in tests. */
  freeBytes?: (dir: string) => Promise<number>;
}

interface Active {
  id: string;
  sessionId: string;
  peerId: string;
  dir: string;
  /** performance.now() when the recorder joined the room: the start of the recording's timeline. */
  t0: number;
  /** Wall-clock time at t0 (the recording's startedAt). */
  startedAt: Date;
  /** Producers announced while the recorder was being seated (before t0). */
  early: ProducerRefInfo[];
  rtpCapabilities: RtpCapabilities;
  writers: Map<string, Promise<TrackWriter | null>>;
  results: Promise<TrackResult>[];
  stopping: Promise<void> | undefined;
  seq: number;
}

export class Recorder {
  readonly #ctx: AppContext;
  readonly #o: RecorderOptions;
  readonly #log: Logger;
  readonly #active = new Map<string, Active>();
  readonly #processing = new Set<Promise<void>>();
  readonly #unsubscribe: Unsubscribe[] = [];
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(o: RecorderOptions) {
    this.#o = o;
    this.#ctx = o.ctx;
    this.#log = o.ctx.logger.child({ component: 'recorder' });
  }

  static async create(o: RecorderOptions): Promise<Recorder> {
    const r = new Recorder(o);
    const { bus } = o.ctx;
    r.#unsubscribe.push(
      await bus.subscribe(SFU_EVENTS_TOPIC, (e) => r.#onSfuEvent(e)),
      await bus.subscribe(SESSION_EVENTS_TOPIC, (e) => {
        if (e.type === 'ended') r.#stopLocal(e.sessionId, 'session ended');
      }),
      await bus.subscribe(RECORDING_CONTROL_TOPIC, (c) => {
        if (c.type === 'stop') r.#stopLocal(c.sessionId, 'stop requested');
      }),
    );
    if (!o.ctx.config.redisUrl) await r.#failOrphans();
    if (o.ctx.config.recording.retentionDays > 0) {
      r.#timer = setInterval(() => void r.cleanup().catch((err: unknown) => r.#log.warn({ err }, 'recording cleanup failed')), CLEANUP_EVERY_MS);
      r.#timer.unref();
    }
    return r;
  }

  /** Starts recording a live session; only one recording per session at a time. */
  async start(sessionId: string, userId: string | null): Promise<{ recordingId: string }> {
    if (this.#closed) throw new AppError('not_available', 'Recording is shutting down', 503);
    const { db, config, clock } = this.#ctx;
    const [session] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!session) throw new NotFoundError('Session not found');
    if (session.status !== 'live') throw new ConflictError('The session is not live');
    if (this.#active.has(sessionId) || (await activeRecording(db, sessionId))) throw new ConflictError('This session is already being recorded');
    const free = await (this.#o.freeBytes ?? freeBytesOf)(config.recording.dir);
    if (free < MIN_FREE_BYTES) throw new AppError('insufficient_storage', 'Not enough free disk space to record', 507);

    const id = randomUUID();
    const now = clock.now();
    try {
      // A partial unique index admits one running recording per session, across nodes and races.
      await db.insert(recordings).values({ id, sessionId, startedBy: userId, status: 'recording', startedAt: now, createdAt: now });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('This session is already being recorded');
      throw err;
    }
    const dir = recordingDir(config, sessionId, id);
    const peerId = `${RECORDER_PEER_PREFIX}${id}`;
    const active: Active = { id, sessionId, peerId, dir, t0: 0, startedAt: now, early: [], rtpCapabilities: { codecs: [] }, writers: new Map(), results: [], stopping: undefined, seq: 0 };
    this.#active.set(sessionId, active);
    try {
      await mkdir(dir, { recursive: true });
      const maxPeers = session.participantLimit ?? config.sfu.maxParticipants;
      const { rtpCapabilities } = await this.#o.sfu.call('ensureRoom', { roomId: sessionId, maxPeers });
      active.rtpCapabilities = { codecs: rtpCapabilities.codecs ?? [], headerExtensions: [] };
      // A service peer: it never takes a participant's place in a full room.
      await this.#o.sfu.call('addPeer', { roomId: sessionId, peerId, uncounted: true });
      const producers = await this.#o.sfu.call('listProducers', { roomId: sessionId, excludePeerId: peerId });
      // The recording starts now, when the room is told, not when it was asked for: on a busy
      // machine the SFU can take a second or more to seat the recorder.
      active.t0 = performance.now();
      active.startedAt = clock.now();
      await updateRecording(db, id, { startedAt: active.startedAt });
      for (const p of [...producers, ...active.early.splice(0)]) this.#addTrack(active, p);
    } catch (err) {
      this.#active.delete(sessionId);
      await this.#o.sfu.call('removePeer', { roomId: sessionId, peerId }).catch(() => undefined);
      await updateRecording(db, id, { status: 'failed', error: `Could not start recording: ${(err as Error).message}`, stoppedAt: clock.now() });
      throw err;
    }
    this.#log.info({ sessionId, recordingId: id }, 'recording started');
    this.#o.notify?.(sessionId, true, id);
    return { recordingId: id };
  }

  /** Stops the session's recording (on whichever node holds it); resolves with its id. */
  async stop(sessionId: string, recordingId?: string): Promise<{ recordingId: string }> {
    const local = this.#active.get(sessionId);
    if (local && (!recordingId || local.id === recordingId)) {
      await this.#stop(local, 'stop requested');
      return { recordingId: local.id };
    }
    const row = await activeRecording(this.#ctx.db, sessionId);
    if (!row || (recordingId && row.id !== recordingId)) throw new ConflictError('This session is not being recorded');
    await this.#ctx.bus.publish(RECORDING_CONTROL_TOPIC, { type: 'stop', sessionId });
    return { recordingId: row.id };
  }

  async isRecording(sessionId: string): Promise<boolean> {
    return this.#active.has(sessionId) || Boolean(await activeRecording(this.#ctx.db, sessionId));
  }

  /** Resolves when every stop and post-processing started so far has finished. */
  async idle(): Promise<void> {
    while (this.#processing.size > 0) await Promise.allSettled([...this.#processing]);
  }

  /** Deletes recordings past the retention period; returns how many were removed. */
  async cleanup(): Promise<number> {
    const days = this.#ctx.config.recording.retentionDays;
    if (days <= 0) return 0;
    const cutoff = new Date(this.#ctx.clock.now().getTime() - days * 86_400_000);
    const n = await deleteOlderThan(this.#ctx.db, this.#ctx.config, cutoff);
    if (n > 0) this.#log.info({ deleted: n, days }, 'old recordings deleted');
    return n;
  }

  /** Stops every recording this process holds, finishes processing, unsubscribes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const a of [...this.#active.values()]) this.#stopLocal(a.sessionId, 'server shutting down');
    await this.idle();
    for (const u of this.#unsubscribe.splice(0)) await u();
  }

  // ---------------------------------------------------------------- internals

  #stopLocal(sessionId: string, reason: string): void {
    const a = this.#active.get(sessionId);
    if (a) void this.#stop(a, reason).catch((err: unknown) => this.#log.error({ err, sessionId }, 'stopping recording failed'));
  }

  #onSfuEvent(e: SfuEvent): void {
    const a = this.#active.get(e.roomId);
    if (!a || a.stopping) return;
    switch (e.type) {
      case 'newProducer':
        if (e.peerId !== a.peerId && a.t0 === 0) a.early.push(e);
        else if (e.peerId !== a.peerId) this.#addTrack(a, e);
        return;
      case 'producerClosed':
        a.early = a.early.filter((p) => p.producerId !== e.producerId);
        this.#endTrack(a, e.producerId);
        return;
      case 'roomClosed':
        this.#stopLocal(e.roomId, `room closed (${e.reason})`);
        return;
      case 'producerPaused':
      case 'producerResumed':
      case 'consumerClosed':
      case 'producerLayersWanted':
      case 'activeSpeaker':
      case 'peersLost':
        return; // pauses leave gaps that composition fills; the rest does not change what is recorded
      default:
        return assertUnreachable(e);
    }
  }

  #addTrack(a: Active, p: ProducerRefInfo): void {
    if (a.writers.has(p.producerId) || p.peerId.startsWith(RECORDER_PEER_PREFIX)) return;
    a.seq += 1;
    const name = `track-${String(a.seq).padStart(2, '0')}-${p.source}-${p.peerId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}`;
    const created = TrackWriter.create({
      sfu: this.#o.sfu,
      roomId: a.sessionId,
      recorderPeerId: a.peerId,
      producer: { producerId: p.producerId, peerId: p.peerId, kind: p.kind, source: p.source },
      rtpCapabilities: a.rtpCapabilities,
      dir: a.dir,
      name,
      listenIp: this.#ctx.config.recording.listenIp,
      ffmpegPath: this.#ctx.config.recording.ffmpegPath,
      t0: a.t0,
      logger: this.#log.child({ recordingId: a.id }),
    }).catch((err: unknown) => {
      this.#log.warn({ err, producerId: p.producerId }, 'could not record a track');
      return null;
    });
    a.writers.set(p.producerId, created);
  }

  #endTrack(a: Active, producerId: string): void {
    const w = a.writers.get(producerId);
    if (!w) return;
    a.writers.delete(producerId);
    a.results.push(w.then((writer) => (writer ? writer.stop() : null)).then((r) => r ?? emptyResult()));
  }

  #stop(a: Active, reason: string): Promise<void> {
    if (!a.stopping) {
      a.stopping = this.#finish(a, reason);
      this.#track(a.stopping);
    }
    return a.stopping;
  }

  #track(p: Promise<void>): void {
    const tracked = p.catch(() => undefined).finally(() => this.#processing.delete(tracked));
    this.#processing.add(tracked);
  }

  async #finish(a: Active, reason: string): Promise<void> {
    const { db } = this.#ctx;
    // The recording stops now; tearing the tracks down (slow on a busy machine) is not part of it.
    const durationMs = a.t0 > 0 ? performance.now() - a.t0 : 0;
    const durationSeconds = durationMs / 1000;
    const stoppedAt = new Date(a.startedAt.getTime() + Math.round(durationMs));
    for (const producerId of [...a.writers.keys()]) this.#endTrack(a, producerId);
    const results = (await Promise.all(a.results)).filter((r) => r.producerId !== '');
    await this.#o.sfu.call('removePeer', { roomId: a.sessionId, peerId: a.peerId }).catch(() => undefined);
    this.#active.delete(a.sessionId);
    await updateRecording(db, a.id, { status: 'processing', stoppedAt, progress: 0 });
    this.#log.info({ sessionId: a.sessionId, recordingId: a.id, reason, tracks: results.length }, 'recording stopped');
    this.#o.notify?.(a.sessionId, false, null);
    const processing = (this.#queue = this.#queue.then(() => this.#process(a, results, durationSeconds)));
    this.#track(processing);
  }

  async #process(a: Active, tracks: TrackResult[], durationSeconds: number): Promise<void> {
    let results = tracks;
    const { db, config } = this.#ctx;
    let lastProgress = 0;
    try {
      const trackError = results.find((r) => r.error)?.error;
      if (trackError) throw new ComposeError(trackError);
      results = await this.#readable(a, results);
      const tracks = await storedTracks(db, a.sessionId, results);
      await updateRecording(db, a.id, { tracks: JSON.stringify(tracks) });
      const out = await compose({
        dir: a.dir,
        tracks: results,
        durationSeconds,
        ffmpegPath: config.recording.ffmpegPath,
        ffprobePath: config.recording.ffprobePath,
        outputName: OUTPUT_NAME,
        onProgress: (f) => {
          const pct = Math.floor(f * 100);
          if (pct >= lastProgress + 10 && pct < 100) {
            lastProgress = pct;
            void updateRecording(db, a.id, { progress: pct }).catch(() => undefined);
          }
        },
      });
      await updateRecording(db, a.id, {
        status: 'ready',
        progress: 100,
        fileName: out.file,
        sizeBytes: out.sizeBytes,
        durationSeconds: Math.round(out.probe.durationSeconds * 100) / 100,
      });
      this.#log.info({ recordingId: a.id, durationSeconds: out.probe.durationSeconds, bytes: out.sizeBytes }, 'recording ready');
    } catch (err) {
      const message = err instanceof ComposeError ? err.message : `Processing failed: ${(err as Error).message}`;
      this.#log.error({ err, recordingId: a.id }, 'recording failed');
      await updateRecording(db, a.id, { status: 'failed', error: message });
    }
  }

  /** Tracks whose file ffprobe can read; a fragment cut off at its very start is left out (and logged). */
  async #readable(a: Active, results: TrackResult[]): Promise<TrackResult[]> {
    const ok: TrackResult[] = [];
    for (const r of results) {
      if (r.startMs === null || r.packets === 0) continue;
      try {
        await probe(this.#ctx.config.recording.ffprobePath, join(a.dir, r.file));
        ok.push(r);
      } catch (err) {
        this.#log.warn({ err, recordingId: a.id, file: r.file, packets: r.packets }, 'unreadable track left out');
      }
    }
    return ok;
  }

  /** After a crash: recordings this (single) node left half-done can never finish. */
  async #failOrphans(): Promise<void> {
    const rows = await this.#ctx.db
      .update(recordings)
      .set({ status: 'failed', error: 'The server stopped while this recording was in progress' })
      .where(inArray(recordings.status, ['recording', 'processing']))
      .returning({ id: recordings.id });
    if (rows.length > 0) this.#log.warn({ count: rows.length }, 'marked interrupted recordings as failed');
  }
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

function emptyResult(): TrackResult {
  return { producerId: '', peerId: '', kind: 'audio', source: 'mic', file: '', startMs: null, endMs: null, packets: 0, error: null };
}

async function freeBytesOf(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}
