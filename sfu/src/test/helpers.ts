/** Test-only helpers (excluded from the build). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { pino, type Logger } from 'pino';
import type { SfuNode, SfuNodeEvents } from '../SfuNode.js';
import type { EventMap, Listener, TypedEmitter } from '../TypedEmitter.js';
import type { WorkerPool, WorkerPoolEvents } from '../WorkerPool.js';

export const LISTEN_IP = '127.0.0.1';

/** A port base per test file below the ephemeral range (32768+), away from rtcMin/MaxPort. */
export function testPortBase(): number {
  return 21000 + Math.floor(Math.random() * 200) * 10;
}

/** Ports used by plain transports in tests; never overlaps testPortBase(). */
export const RTC_PORTS = { rtcMinPort: 30000, rtcMaxPort: 34999 } as const;

export function testLogger(): Logger {
  return pino({ level: process.env['SFU_TEST_LOG'] ?? 'silent' });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Emitter = SfuNode | WorkerPool;
type Filter<Args extends unknown[]> = (...args: Args) => boolean;

/** Resolves with the next `event` whose payload passes `filter`. */
export function nextEvent<K extends keyof SfuNodeEvents>(source: SfuNode, event: K, filter?: Filter<SfuNodeEvents[K]>, timeoutMs?: number): Promise<SfuNodeEvents[K]>;
export function nextEvent<K extends keyof WorkerPoolEvents>(source: WorkerPool, event: K, filter?: Filter<WorkerPoolEvents[K]>, timeoutMs?: number): Promise<WorkerPoolEvents[K]>;
export function nextEvent(source: Emitter, event: string, filter: Filter<unknown[]> = () => true, timeoutMs = 5000): Promise<unknown[]> {
  const emitter = source as unknown as TypedEmitter<EventMap>;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for event ${event}`));
    }, timeoutMs);
    const listener: Listener<unknown[]> = (...args) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}

/** Collects the payload of every `event` from now on. */
export function collect<K extends keyof SfuNodeEvents>(source: SfuNode, event: K): SfuNodeEvents[K][0][];
export function collect<K extends keyof WorkerPoolEvents>(source: WorkerPool, event: K): WorkerPoolEvents[K][0][];
export function collect(source: Emitter, event: string): unknown[] {
  const seen: unknown[] = [];
  (source as unknown as TypedEmitter<EventMap>).on(event, (...args) => seen.push(args[0]));
  return seen;
}

export const VP8_PAYLOAD_TYPE = 101;

/** RTP parameters for a VP8 stream with one encoding per ssrc (three ssrcs make simulcast). */
export function vp8RtpParameters(...ssrcs: number[]) {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PAYLOAD_TYPE,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    encodings: ssrcs.map((ssrc) => ({ ssrc })),
  };
}

export function opusRtpParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc }],
  };
}

/** Starts ffmpeg sending a VP8 test pattern as RTP to ip:port (RTCP to rtcpPort). */
export function startFfmpegVp8(target: { ip: string; port: number; rtcpPort: number }, ssrc: number): ChildProcess {
  const url = `rtp://${target.ip}:${target.port}?rtcpport=${target.rtcpPort}&pkt_size=1200`;
  // prettier-ignore
  const child = spawn('/usr/bin/ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15',
    '-an', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k',
    '-g', '15', '-keyint_min', '15',
    '-f', 'rtp', '-payload_type', String(VP8_PAYLOAD_TYPE), '-ssrc', String(ssrc), url,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[ffmpeg] ${chunk.toString()}`));
  return child;
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/**
 * A UDP socket on 127.0.0.1 that counts the RTP packets it receives per SSRC (mediasoup also
 * sends bandwidth-probation packets, on their own SSRC, which a test must not mistake for media).
 */
export async function udpCounter(): Promise<{ port: number; count: (ssrc: number) => number; close: () => void }> {
  const socket: Socket = createSocket('udp4');
  const packets = new Map<number, number>();
  socket.on('message', (msg) => {
    if (msg.length < 12) return;
    const ssrc = msg.readUInt32BE(8);
    packets.set(ssrc, (packets.get(ssrc) ?? 0) + 1);
  });
  await new Promise<void>((resolve) => socket.bind(0, LISTEN_IP, () => resolve()));
  return {
    port: socket.address().port,
    count: (ssrc) => packets.get(ssrc) ?? 0,
    close: () => socket.close(),
  };
}

export const AUDIO_LEVEL_EXT_ID = 1;
export const OPUS_PT = 100;

/** An Opus RTP packet carrying the ssrc-audio-level header extension (RFC 6464). */
export function audioPacket(ssrc: number, seq: number, level: number): Buffer {
  const packet = Buffer.alloc(12 + 8 + 3);
  packet[0] = 0x90; // V=2, X=1
  packet[1] = OPUS_PT;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 960) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.writeUInt16BE(0xbede, 12); // one-byte header extensions
  packet.writeUInt16BE(1, 14); // one 32-bit word
  packet[16] = (AUDIO_LEVEL_EXT_ID << 4) | 0; // id, length - 1
  packet[17] = 0x80 | level; // voice activity + level in -dBov (0 is loudest)
  packet.set([0xfc, 0xff, 0xfe], 20); // a tiny Opus frame
  return packet;
}

/** Opus with the audio-level extension the active-speaker observer reads. */
export function opusWithLevelRtpParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' as const, id: AUDIO_LEVEL_EXT_ID }],
    encodings: [{ ssrc }],
  };
}
