// The media the SFU benchmarks feed their producers: RTP packets carrying a VP8 key frame each
// (so every consumer forwards from the first packet) or an Opus frame, shared by sfu.ts
// (PlainTransport consumers), sfuWebrtc.ts (WebRtcTransport consumers) and largeRoom.ts (a
// room of many streams, each paced at its own rate).
import type { Socket } from 'node:dgram';
import type { types } from 'mediasoup';

export const PACKET_BYTES = 1100;
export const SSRC = 0x1111;
export const PT = 101;

/** One RTP stream a bench sends: where, with which SSRC and payload type, how big and how often. */
export interface RtpStream {
  port: number;
  ssrc: number;
  pt: number;
  bytes: number;
  pps: number;
  /** VP8 key frames with the marker bit (one packet per frame); else Opus-like audio at 48 kHz. */
  video: boolean;
  /** Where to send this stream's RTCP sender reports (twice a second), if anywhere: a simulcast consumer switches layers only between streams whose reports it has. */
  rtcpPort?: number;
}

const VP8_KEY_FRAME = Buffer.from([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]);

/** An RTP packet of `stream` (default: sfu.ts's one VP8 stream of PACKET_BYTES); video payloads start a key frame. */
export function rtpPacket(seq: number, timestamp: number, stream: Pick<RtpStream, 'ssrc' | 'pt' | 'bytes' | 'video'> = { ssrc: SSRC, pt: PT, bytes: PACKET_BYTES, video: true }): Buffer {
  const b = Buffer.alloc(stream.bytes);
  b[0] = 0x80;
  b[1] = (stream.video ? 0x80 : 0) | stream.pt; // marker on video: one packet per frame
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(stream.ssrc, 8);
  // VP8 payload descriptor (S=1, partition 0), then a key-frame header: P=0, start code, 640x360.
  if (stream.video) VP8_KEY_FRAME.copy(b, 12);
  else b[12] = 0x78; // an Opus TOC byte: CELT fullband, 20 ms, one frame
  return b;
}

/** An RTCP sender report for `ssrc`: now in NTP time, and the RTP timestamp of this instant. */
export function senderReport(ssrc: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 200; // SR
  b.writeUInt16BE(6, 2); // length in 32-bit words, minus one
  b.writeUInt32BE(ssrc, 4);
  const ms = Date.now();
  b.writeUInt32BE((Math.floor(ms / 1000) + 2_208_988_800) >>> 0, 8); // seconds since 1900
  b.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  b.writeUInt32BE(rtpTimestamp >>> 0, 16);
  b.writeUInt32BE(packets >>> 0, 20);
  b.writeUInt32BE(octets >>> 0, 24);
  return b;
}

/** The benches' one producer: a PlainTransport (comedia) on 127.0.0.1 taking this module's VP8 packets. */
export async function createFeed(router: types.Router): Promise<{ port: number; producer: types.Producer }> {
  const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const producer = await input.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: PT, clockRate: 90000 }], encodings: [{ ssrc: SSRC }] },
  });
  return { port: input.tuple.localPort, producer };
}

/** Sends `pps` packets a second to `port` for `seconds`, paced from the clock; returns how many were sent. */
export async function feed(source: Socket, port: number, seconds: number, pps: number): Promise<number> {
  const sent = [0];
  const t0 = performance.now();
  await feedStreams(source, [{ port, ssrc: SSRC, pt: PT, bytes: PACKET_BYTES, pps, video: true }], sent, () => performance.now() < t0 + seconds * 1000);
  return sent[0]!;
}

/**
 * Sends each stream's packets at its own rate, paced from the clock, while `running()` is true;
 * `sent[i]` counts stream i's packets as they go (a live counter the caller may read meanwhile).
 */
export async function feedStreams(source: Socket, streams: readonly RtpStream[], sent: number[], running: () => boolean): Promise<void> {
  const t0 = performance.now();
  streams.forEach((_, i) => (sent[i] ??= 0));
  const base = [...sent];
  let reportAt = 0;
  while (running()) {
    const elapsed = (performance.now() - t0) / 1000;
    const report = elapsed >= reportAt;
    if (report) reportAt = elapsed + 0.5;
    streams.forEach((s, i) => {
      const clock = s.video ? 90000 : 48000;
      // Packet n carries timestamp n * clock / pps and goes out at t0 + n / pps: the reports map wall time to the same clock.
      if (report && s.rtcpPort !== undefined) {
        const packets = sent[i]! - base[i]!;
        source.send(senderReport(s.ssrc, (base[i]! + elapsed * s.pps) * (clock / s.pps), packets, packets * (s.bytes - 12)), s.rtcpPort, '127.0.0.1');
      }
      for (let n = sent[i]! - base[i]!; n < Math.floor(elapsed * s.pps); n++, sent[i]!++) {
        source.send(rtpPacket(sent[i]!, sent[i]! * (clock / s.pps), s), s.port, '127.0.0.1');
      }
    });
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The worker's CPU time so far (user + system), in ms. */
export async function workerCpuMs(worker: types.Worker): Promise<number> {
  const u = await worker.getResourceUsage();
  return u.ru_utime + u.ru_stime;
}
