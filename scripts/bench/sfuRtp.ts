// The media the SFU benchmarks feed their one producer: RTP packets of PACKET_BYTES carrying a
// VP8 key frame each (so every consumer forwards from the first packet), shared by sfu.ts
// (PlainTransport consumers) and sfuWebrtc.ts (WebRtcTransport consumers).
import type { Socket } from 'node:dgram';
import type { types } from 'mediasoup';

export const PACKET_BYTES = 1100;
export const SSRC = 0x1111;
export const PT = 101;

/** An RTP packet of PACKET_BYTES whose VP8 payload starts a key frame (so every consumer forwards from the first). */
export function rtpPacket(seq: number, timestamp: number): Buffer {
  const b = Buffer.alloc(PACKET_BYTES);
  b[0] = 0x80;
  b[1] = 0x80 | PT; // marker: one packet per frame
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(SSRC, 8);
  // VP8 payload descriptor (S=1, partition 0), then a key-frame header: P=0, start code, 640x360.
  Buffer.from([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]).copy(b, 12);
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
  const t0 = performance.now();
  let seq = 0;
  while (performance.now() < t0 + seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * pps);
    for (; seq < due; seq++) source.send(rtpPacket(seq, seq * (90000 / pps)), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 5));
  }
  return seq;
}

/** The worker's CPU time so far (user + system), in ms. */
export async function workerCpuMs(worker: types.Worker): Promise<number> {
  const u = await worker.getResourceUsage();
  return u.ru_utime + u.ru_stime;
}
