// SFU fan-out cost over WebRTC: the producer of sfu.ts (VP8 key-frame packets into a
// PlainTransport) forwarded to N consumers, each on its own WebRtcTransport (ICE-lite, DTLS,
// SRTP with the suite mediasoup and the subscriber agree on) and each received by a real
// headless WebRTC subscriber: a werift RTCPeerConnection in a child process (sfuWebrtcPeers.ts)
// that counts the RTP packets its track gets and sends RTCP (receiver reports, NACK,
// transport-cc) back. Signaling is in-process: sfuSdp.ts writes the offer from the transport's
// and consumer's parameters and reads the answer's DTLS parameters. Prints one JSON line per
// case, in sfu.ts's shape with "transport":"webrtc"; forwardedPct (mediasoup's own counters)
// against receiverLossPct (what the subscribers counted) tells a slow worker from slow subscribers.
import { createSocket } from 'node:dgram';
import type { types } from 'mediasoup';
import { answerDtls, consumerOffer } from './sfuSdp.js';
import { WebRtcSubscribers } from './sfuWebrtcSubscribers.js';
import { PACKET_BYTES, createFeed, feed, workerCpuMs } from './sfuRtp.js';

export interface WebRtcCase {
  consumers: number;
  seconds: number;
  pps: number;
  build: Record<string, string>;
}

/** What each subscriber can receive, as a browser would announce it: VP8 with RTX, NACK, PLI, FIR, transport-cc. */
const SUBSCRIBER: types.RtpCapabilities = {
  codecs: [
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'transport-cc' }],
    },
    { kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
  ],
  headerExtensions: [
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 2 },
    { kind: 'video', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 3 },
  ],
};

export async function runWebRtcCase(worker: types.Worker, { consumers: n, seconds, pps, build }: WebRtcCase): Promise<void> {
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
  const source = createSocket('udp4');
  const peers = new WebRtcSubscribers();
  try {
    const { port, producer } = await createFeed(router);
    const transports: types.WebRtcTransport[] = [];
    const consumers: types.Consumer[] = [];
    for (let id = 0; id < n; id++) {
      const t = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
      const c = await t.consume({ producerId: producer.id, rtpCapabilities: SUBSCRIBER });
      const answer = await peers.open(id, consumerOffer(t, [c]));
      await t.connect({ dtlsParameters: answerDtls(answer) });
      transports.push(t);
      consumers.push(c);
    }
    // Both ends up: every subscriber saw DTLS-SRTP connect, every transport says DTLS connected.
    await peers.connected(
      transports.map((_, id) => id),
      () => transports.every((t) => t.dtlsState === 'connected'),
    );

    const outbound = async () => (await Promise.all(consumers.map((c) => c.getStats()))).flat().filter((s) => s.type === 'outbound-rtp');
    const forwarded = async () => (await outbound()).reduce((sum, s) => sum + s.packetCount, 0);
    const counts = () => peers.counts();

    const [f0, c0, r0] = [await forwarded(), await workerCpuMs(worker), await counts()];
    const t0 = performance.now();
    const sent = await feed(source, port, seconds, pps);
    await new Promise((r) => setTimeout(r, 1000)); // the last packets drain, through the subscribers' process too
    const f1 = await forwarded();
    const [c1, t1, r1] = [await workerCpuMs(worker), performance.now(), await counts()];
    const stats = await outbound();
    const offered = sent * n;
    const fwd = f1 - f0;
    const got = r1.received.map((r, id) => r - (r0.received[id] ?? 0));
    const total = got.reduce((a, b) => a + b, 0);
    const rtts = stats.map((s) => s.roundTripTime ?? 0).filter((r) => r > 0);
    const pct = (part: number, whole: number) => (whole > 0 ? +Math.max(0, (1 - part / whole) * 100).toFixed(2) : null);
    console.log(
      JSON.stringify({
        bench: 'sfu',
        transport: 'webrtc',
        consumers: n,
        srtp: [...peers.suites].join(','),
        pps,
        bytes: PACKET_BYTES,
        workerCpuUsPerPacket: fwd > 0 ? +(((c1 - c0) * 1000) / fwd).toFixed(2) : null,
        offeredPps: Math.round(offered / seconds),
        forwardedPps: Math.round(fwd / seconds),
        forwardedPct: offered > 0 ? +((fwd / offered) * 100).toFixed(2) : null,
        workerCpuPct: +(((c1 - c0) / (t1 - t0)) * 100).toFixed(1),
        receiverLossPct: pct(total, offered),
        worstSubscriberLossPct: pct(Math.min(...got), sent),
        // What the subscribers' RTCP told mediasoup: NACKs, loss in their receiver reports, round trip from them.
        subscriberNacks: stats.reduce((sum, s) => sum + s.nackCount, 0),
        subscriberReportedLost: stats.reduce((sum, s) => sum + s.packetsLost, 0),
        rttMs: rtts.length ? +(rtts.reduce((a, b) => a + b, 0) / rtts.length).toFixed(2) : null,
        subscribersCpuPct: +(((r1.cpuMs - r0.cpuMs) / (t1 - t0)) * 100).toFixed(1),
        worker: build,
      }),
    );
  } finally {
    router.close();
    source.close();
    await peers.close();
  }
}
