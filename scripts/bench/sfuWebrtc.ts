// SFU fan-out cost over WebRTC: the producer of sfu.ts (VP8 key-frame packets into a
// PlainTransport) forwarded to N consumers, each on its own WebRtcTransport (ICE-lite, DTLS,
// SRTP with the suite mediasoup and the subscriber agree on) and each received by a real
// headless WebRTC subscriber: a werift RTCPeerConnection in a child process (sfuWebrtcPeers.ts)
// that counts the RTP packets its track gets and sends RTCP (receiver reports, NACK,
// transport-cc) back. Signaling is in-process: sfuSdp.ts writes the offer from the transport's
// and consumer's parameters and reads the answer's DTLS parameters. Prints one JSON line per
// case, in sfu.ts's shape with "transport":"webrtc"; forwardedPct (mediasoup's own counters)
// against receiverLossPct (what the subscribers counted) tells a slow worker from slow subscribers.
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import { answerDtls, consumerOffer } from './sfuSdp.js';
import type { FromPeers, ToPeers } from './sfuWebrtcPeers.js';
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

/** The next message of `type` (and matching `match`) from the subscribers' process; rejects on their error or after `ms`. */
function nextMessage<T extends FromPeers['type']>(
  peers: ChildProcess,
  type: T,
  match: (m: Extract<FromPeers, { type: T }>) => boolean = () => true,
  ms = 20_000,
): Promise<Extract<FromPeers, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Error(`no '${type}' from the subscribers in ${ms} ms`))), ms);
    const onMessage = (m: FromPeers) => {
      if (m.type === 'error') done(() => reject(new Error(`subscriber: ${m.message}`)));
      else if (m.type === type && match(m as Extract<FromPeers, { type: T }>)) done(() => resolve(m as Extract<FromPeers, { type: T }>));
    };
    const done = (settle: () => void) => {
      clearTimeout(timer);
      peers.off('message', onMessage);
      settle();
    };
    peers.on('message', onMessage);
  });
}

export async function runWebRtcCase(worker: types.Worker, { consumers: n, seconds, pps, build }: WebRtcCase): Promise<void> {
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
  const source = createSocket('udp4');
  // The child inherits this process's execArgv, so it runs under tsx like the bench itself.
  const peers = fork(fileURLToPath(new URL('./sfuWebrtcPeers.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const tell = (m: ToPeers) => peers.send(m);
  const suites = new Set<string>();
  let connected = 0;
  peers.on('message', (m: FromPeers) => {
    if (m.type !== 'connected') return;
    connected += 1;
    suites.add(m.srtp);
  });
  try {
    const { port, producer } = await createFeed(router);
    const transports: types.WebRtcTransport[] = [];
    const consumers: types.Consumer[] = [];
    for (let id = 0; id < n; id++) {
      const t = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
      const c = await t.consume({ producerId: producer.id, rtpCapabilities: SUBSCRIBER });
      const answered = nextMessage(peers, 'answer', (m) => m.id === id);
      tell({ type: 'open', id, offer: consumerOffer(t, c) });
      await t.connect({ dtlsParameters: answerDtls((await answered).answer) });
      transports.push(t);
      consumers.push(c);
    }
    // Both ends up: every subscriber saw DTLS-SRTP connect, every transport says DTLS connected.
    const deadline = performance.now() + 30_000;
    while (connected < n || transports.some((t) => t.dtlsState !== 'connected')) {
      if (performance.now() > deadline) throw new Error(`${connected}/${n} subscribers connected after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const outbound = async () => (await Promise.all(consumers.map((c) => c.getStats()))).flat().filter((s) => s.type === 'outbound-rtp');
    const forwarded = async () => (await outbound()).reduce((sum, s) => sum + s.packetCount, 0);
    const counts = async () => {
      const reply = nextMessage(peers, 'count');
      tell({ type: 'count' });
      return reply;
    };

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
        srtp: [...suites].join(','),
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
    if (peers.exitCode === null) {
      const exited = new Promise<void>((r) => peers.once('exit', () => r()));
      if (peers.connected) tell({ type: 'close' });
      const kill = setTimeout(() => peers.kill(), 5000); // a subscriber that hangs on close
      await exited;
      clearTimeout(kill);
    }
  }
}
