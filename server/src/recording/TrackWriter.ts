// One recorded track: a PlainTransport consumer of one producer -> a local UDP relay (which
// filters the media SSRC, waits for a key frame and timestamps the first packet) -> an
// ffmpeg process reading an SDP and writing the stream, untouched, to a Matroska file.
import { createSocket, type Socket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RtpCapabilities } from '@lectern/sfu';
import type { Logger } from '../logger.js';
import type { MediaSource } from '../protocol/index.js';
import type { SfuClient } from '../sfu/SfuClient.js';
import { describeFailure, isBound, reservePortPair, run, stopGracefully, type Running } from './ffmpeg.js';
import { isH264KeyFrame, isVp8KeyFrame, parseRtp, sdpFor, type SdpCodec } from './rtp.js';

export interface ProducerRefInfo {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
}

/** What a finished track left on disk, with its place on the recording's timeline. */
export interface TrackResult extends ProducerRefInfo {
  file: string;
  /** Milliseconds from the recording's start to the first written packet (null: nothing written). */
  startMs: number | null;
  endMs: number | null;
  packets: number;
  error: string | null;
}

export interface TrackWriterOptions {
  sfu: Pick<SfuClient, 'call'>;
  roomId: string;
  recorderPeerId: string;
  producer: ProducerRefInfo;
  rtpCapabilities: RtpCapabilities;
  dir: string;
  /** Base name for the files (no extension). */
  name: string;
  listenIp: string;
  ffmpegPath: string;
  /** performance.now() at the recording's start. */
  t0: number;
  logger: Logger;
}

const KEYFRAME_RETRY_MS = 1000;
const BIND_TIMEOUT_MS = 15_000;
/** Packets held while ffmpeg starts (a few seconds of video at most). */
const MAX_HELD_PACKETS = 3000;

export class TrackWriter {
  readonly producer: ProducerRefInfo;
  readonly #o: TrackWriterOptions;
  readonly #log: Logger;
  readonly #rtp: Socket;
  readonly #rtcp: Socket;
  #ffmpeg: Running | undefined;
  #releasePorts: (() => void) | undefined;
  #ffmpegPort = 0;
  #transportId: string | undefined;
  #consumerId: string | undefined;
  #ssrc = -1;
  #keyFrame: ((packet: Buffer, offset: number) => boolean) | undefined;
  #started = false;
  #startMs: number | null = null;
  #endMs: number | null = null;
  #packets = 0;
  #lastKeyRequest = 0;
  #stopping: Promise<TrackResult> | undefined;
  /** Relay counters, logged when the track stops. */
  readonly #stats = { received: 0, foreign: 0, beforeKeyFrame: 0 };
  #ready = false;
  readonly #held: Buffer[] = [];

  private constructor(o: TrackWriterOptions, rtp: Socket, rtcp: Socket) {
    this.#o = o;
    this.producer = o.producer;
    this.#log = o.logger.child({ producerId: o.producer.producerId, source: o.producer.source });
    this.#rtp = rtp;
    this.#rtcp = rtcp;
  }

  static async create(o: TrackWriterOptions): Promise<TrackWriter> {
    const rtp = await bindUdp(o.listenIp);
    const rtcp = await bindUdp(o.listenIp);
    const writer = new TrackWriter(o, rtp, rtcp);
    try {
      await writer.#start();
    } catch (err) {
      await writer.stop();
      throw err;
    }
    return writer;
  }

  get file(): string {
    return `${this.#o.name}.mkv`;
  }

  get packets(): number {
    return this.#packets;
  }

  async #start(): Promise<void> {
    const { sfu, roomId, recorderPeerId: peerId, listenIp } = this.#o;
    this.#rtcp.on('message', () => undefined); // sender reports: not needed
    this.#rtp.on('message', (msg) => this.#onPacket(msg));
    const t = await sfu.call('createPlainTransport', { roomId, peerId, direction: 'recv', comedia: false });
    this.#transportId = t.id;
    await sfu.call('connectPlainTransport', {
      roomId,
      peerId,
      transportId: t.id,
      ip: listenIp,
      port: this.#rtp.address().port,
      rtcpPort: this.#rtcp.address().port,
    });
    const consumer = await sfu.call('consume', {
      roomId,
      peerId,
      transportId: t.id,
      producerId: this.producer.producerId,
      rtpCapabilities: this.#o.rtpCapabilities,
    });
    this.#consumerId = consumer.id;
    const codec = consumer.rtpParameters.codecs[0];
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    if (!codec || ssrc === undefined) throw new Error('consumer has no codec or SSRC');
    this.#ssrc = ssrc;
    const name = codec.mimeType.split('/')[1] ?? '';
    if (this.producer.kind === 'video') {
      this.#keyFrame = /^vp8$/i.test(name) ? isVp8KeyFrame : /^h264$/i.test(name) ? isH264KeyFrame : () => true;
    }
    const sdpCodec: SdpCodec = {
      kind: this.producer.kind,
      payloadType: codec.payloadType,
      name,
      clockRate: codec.clockRate,
      ...(codec.channels === undefined ? {} : { channels: codec.channels }),
      ...(/^h264$/i.test(name) ? { fmtp: 'packetization-mode=1' } : {}),
    };
    // Media flows at once; the relay holds it until ffmpeg listens, so nothing is lost to start-up.
    await sfu.call('resumeConsumer', { roomId, peerId, consumerId: consumer.id });
    if (this.producer.kind === 'video') this.#requestKeyFrame();
    // A port pair can be taken between our probe and ffmpeg's bind: then try another.
    for (let attempt = 1; !(await this.#startFfmpeg(sdpCodec)); attempt++) {
      if (attempt >= 3) throw new Error('ffmpeg did not start listening');
    }
    this.#ready = true;
    for (const packet of this.#held.splice(0)) this.#rtp.send(packet, this.#ffmpegPort, listenIp);
    this.#log.debug({ port: this.#ffmpegPort, ssrc }, 'track recording');
  }

  /** Starts ffmpeg on a free port pair; false when it could not bind (ports released). */
  async #startFfmpeg(codec: SdpCodec): Promise<boolean> {
    const { listenIp } = this.#o;
    const ports = await reservePortPair(listenIp);
    this.#releasePorts = ports.release;
    this.#ffmpegPort = ports.port;
    const sdpFile = join(this.#o.dir, `${this.#o.name}.sdp`);
    await writeFile(sdpFile, sdpFor(codec, listenIp, ports.port));
    // prettier-ignore
    const ffmpeg = this.#ffmpeg = run(this.#o.ffmpegPath, [
      '-hide_banner', '-loglevel', 'warning', '-nostats',
      '-protocol_whitelist', 'file,udp,rtp', '-reorder_queue_size', '128',
      '-analyzeduration', '5000000', '-probesize', '5000000',
      '-i', sdpFile,
      '-map', '0', '-c', 'copy', '-f', 'matroska', '-y', join(this.#o.dir, this.file),
    ]);
    void ffmpeg.exited.then((exit) => {
      if (!this.#stopping && this.#ffmpeg === ffmpeg && this.#ready) this.#log.warn({ code: exit.code, stderr: exit.stderr.slice(-500) }, 'track ffmpeg exited early');
    });
    const deadline = performance.now() + BIND_TIMEOUT_MS;
    const alive = () => ffmpeg.child.exitCode === null && ffmpeg.child.signalCode === null;
    for (;;) {
      if (alive() && (await isBound(listenIp, ports.port))) {
        await new Promise((r) => setTimeout(r, 50));
        if (alive()) return true; // bound, and it was ffmpeg that bound it
      }
      if (!alive() || performance.now() > deadline) {
        if (alive()) ffmpeg.child.kill('SIGKILL');
        await ffmpeg.exited;
        ports.release();
        this.#releasePorts = undefined;
        this.#log.warn({ port: ports.port }, 'track ffmpeg could not listen; trying other ports');
        return false;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #onPacket(msg: Buffer): void {
    if (this.#stopping) return;
    this.#stats.received++;
    const h = parseRtp(msg);
    if (!h || h.ssrc !== this.#ssrc) {
      this.#stats.foreign++; // bandwidth probation and anything else
      return;
    }
    if (!this.#started) {
      if (this.#keyFrame && !this.#keyFrame(msg, h.payloadOffset)) {
        this.#requestKeyFrame();
        this.#stats.beforeKeyFrame++;
        return;
      }
      this.#started = true;
      this.#startMs = performance.now() - this.#o.t0;
    }
    this.#endMs = performance.now() - this.#o.t0;
    this.#packets += 1;
    if (this.#ready) this.#rtp.send(msg, this.#ffmpegPort, this.#o.listenIp);
    else if (this.#held.length < MAX_HELD_PACKETS) this.#held.push(msg);
  }

  #requestKeyFrame(): void {
    const now = performance.now();
    if (now - this.#lastKeyRequest < KEYFRAME_RETRY_MS || this.#consumerId === undefined) return;
    this.#lastKeyRequest = now;
    const { roomId, recorderPeerId: peerId } = this.#o;
    this.#o.sfu.call('requestKeyFrame', { roomId, peerId, consumerId: this.#consumerId }).catch(() => undefined);
  }

  /** Stops the track and finalises its file. Idempotent. */
  stop(): Promise<TrackResult> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<TrackResult> {
    const { sfu, roomId, recorderPeerId: peerId } = this.#o;
    if (this.#transportId) await sfu.call('closeTransport', { roomId, peerId, transportId: this.#transportId }).catch(() => undefined);
    let error: string | null = null;
    if (this.#ffmpeg) {
      // An RTCP BYE ends ffmpeg's RTP input cleanly: it finishes and writes the trailer.
      // (ffmpeg ignores packets under 12 bytes, hence the 4-byte reason "end".)
      const bye = Buffer.from([0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 0, 3, 0x65, 0x6e, 0x64]);
      bye.writeUInt32BE(this.#ssrc >>> 0, 4);
      for (let i = 0; i < 3 && this.#ffmpeg.child.exitCode === null; i++) {
        this.#rtp.send(bye, this.#ffmpegPort + 1, this.#o.listenIp);
        await new Promise((r) => setTimeout(r, 30));
      }
      const exit = await stopGracefully(this.#ffmpeg, { signalAfterMs: 3000, graceMs: 10_000 });
      await writeFile(join(this.#o.dir, `${this.#o.name}.log`), `exit ${exit.code ?? exit.signal}\n${exit.stderr}`).catch(() => undefined);
      // Running out of disk fails the recording. Any other failure (say, a stream cut off
      // before ffmpeg learnt its size) leaves an unreadable file that composition skips.
      if (/No space left|ENOSPC/i.test(exit.stderr)) error = describeFailure(exit);
      else if (exit.code !== 0 && exit.code !== 255) this.#log.warn({ code: exit.code, stderr: exit.stderr.slice(-300) }, 'track ffmpeg failed');
    }
    this.#releasePorts?.();
    this.#log.debug({ ...this.#stats, packets: this.#packets, startMs: this.#startMs, endMs: this.#endMs, error }, 'track stopped');
    this.#rtp.close();
    this.#rtcp.close();
    return {
      ...this.producer,
      file: this.file,
      startMs: this.#startMs,
      endMs: this.#endMs,
      packets: this.#packets,
      error,
    };
  }
}

async function bindUdp(ip: string): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, ip, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => undefined);
  return socket;
}
