// A packet the SFU is missing that first arrives inside an RTX packet must reach consumers.
// libwebrtc repeats recently sent packets over RTX as bandwidth probes, so under upstream loss
// a probe can carry a lost packet before the SFU has NACKed it. mediasoup 3.19.3 dropped such a
// packet and took it off its NACK list, leaving a hole every receiver then froze on until its
// 3 s key-frame timeout (scripts/worker/patches/nack-rtx-probe.patch fixes it in the worker).
import { createSocket, type Socket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from './codecs.js';
import { LISTEN_IP, RTC_PORTS, waitFor } from './test/helpers.js';

const PT = 101;
const RTX_PT = 102;
const SSRC = 0x5eed0001;
const RTX_SSRC = 0x5eed0002;

/** A one-packet VP8 key frame: every consumer forwards from the first packet. */
function payload(): Buffer {
  return Buffer.from([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, 0, 0, 0, 0, 0]);
}

function rtp(pt: number, seq: number, ts: number, ssrc: number, body: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 0x80 | pt;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE(ts >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, body]);
}

const media = (seq: number) => rtp(PT, seq, seq * 3000, SSRC, payload());
/** RFC 4588: the RTX packet carries the original sequence number, then the original payload. */
const rtx = (rtxSeq: number, seq: number) => {
  const osn = Buffer.alloc(2);
  osn.writeUInt16BE(seq);
  return rtp(RTX_PT, rtxSeq, seq * 3000, RTX_SSRC, Buffer.concat([osn, payload()]));
};

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, LISTEN_IP, () => resolve()));
  return socket;
}

describe('upstream repair from RTX probes', () => {
  let worker: types.Worker;
  let router: types.Router;
  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'error', ...RTC_PORTS });
    router = await worker.createRouter({ mediaCodecs: [...MEDIA_CODECS] });
  });
  afterAll(() => worker.close());

  /** A producer with NACK and RTX, one plain consumer; returns what the consumer forwards (by original timestamp). */
  async function call(): Promise<{ send: (b: Buffer) => void; forwarded: () => Set<number>; close: () => void }> {
    const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN_IP }, rtcpMux: true, comedia: true });
    const producer = await input.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [
          { mimeType: 'video/VP8', payloadType: PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] },
          { mimeType: 'video/rtx', payloadType: RTX_PT, clockRate: 90000, parameters: { apt: PT } },
        ],
        encodings: [{ ssrc: SSRC, rtx: { ssrc: RTX_SSRC } }],
      },
    });
    const sink = await bound();
    const output = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN_IP }, rtcpMux: true, comedia: false });
    await output.connect({ ip: LISTEN_IP, port: sink.address().port });
    const consumer = await output.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const outPt = consumer.rtpParameters.codecs[0]!.payloadType;
    const seen = new Set<number>();
    sink.on('message', (msg) => {
      if (msg.length >= 12 && (msg[1]! & 0x7f) === outPt) seen.add(msg.readUInt32BE(4) / 3000);
    });
    const source = await bound();
    return {
      send: (b) => source.send(b, input.tuple.localPort, LISTEN_IP),
      forwarded: () => seen,
      close: () => {
        source.close();
        sink.close();
        input.close();
        output.close();
      },
    };
  }

  const all = (n: number) => [...Array(n).keys()];

  it('forwards a lost packet whose RTX probe arrives before any later packet', async () => {
    const c = await call();
    try {
      for (let seq = 0; seq < 10; seq++) c.send(media(seq));
      c.send(rtx(0, 10)); // 10 itself was lost; the probe repeats it at once
      for (let seq = 11; seq < 20; seq++) c.send(media(seq));
      await waitFor(() => c.forwarded().has(19), 5000, 'the last packet');
      await new Promise((r) => setTimeout(r, 100));
      expect([...c.forwarded()].sort((a, b) => a - b)).toEqual(all(20));
    } finally {
      c.close();
    }
  });

  it('forwards a lost packet whose RTX copy arrives before its NACK went out', async () => {
    const c = await call();
    try {
      for (let seq = 0; seq < 10; seq++) c.send(media(seq));
      c.send(media(11)); // the gap at 10 is now on the NACK list, its NACK not sent yet
      c.send(rtx(0, 10));
      for (let seq = 12; seq < 20; seq++) c.send(media(seq));
      await waitFor(() => c.forwarded().has(19), 5000, 'the last packet');
      await new Promise((r) => setTimeout(r, 100));
      expect([...c.forwarded()].sort((a, b) => a - b)).toEqual(all(20));
    } finally {
      c.close();
    }
  });
});
