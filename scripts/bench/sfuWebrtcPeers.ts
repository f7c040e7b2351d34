// The headless WebRTC subscribers of the SFU benchmarks (sfuWebrtc.ts, largeRoom.ts --webrtc),
// run as a child process (sfuWebrtcSubscribers.ts starts it) so that werift's JavaScript
// ICE/DTLS/SRTP does not slow the process that feeds and measures the SFU. Each subscriber is one
// werift RTCPeerConnection answering one offer of a mediasoup WebRtcTransport's consumers (VP8
// video with RTX, Opus audio, BUNDLEd); it counts the RTP packets its tracks get, notes when the
// first video packet came, and sends RTCP as a browser would (receiver reports, NACK, PLI,
// transport-cc feedback). Times are epoch ms (performance.timeOrigin + now) so the parent can
// put them on its own clock. Like a browser, it has its DTLS certificate before the first call
// (werift makes one per process, lazily: made at start here, it stays out of the first
// subscriber's time). Messages with the parent (process IPC):
//                                           child -> { type: 'ready' } (certificate made)
//   parent -> { type: 'open', id, offer }   child -> { type: 'answer', id, answer }
//                                           child -> { type: 'connected', id, srtp, at } (DTLS-SRTP up)
//   parent -> { type: 'count' }             child -> { type: 'count', received, firstVideoAt, cpuMs }
//   parent -> { type: 'drop', id }          (the child closes that one peer connection)
//   parent -> { type: 'close' }             (the child closes its peer connections and exits)
import {
  RTCPeerConnection,
  RTCDtlsTransport,
  RTCRtpCodecParameters,
  useAbsSendTime,
  useFIR,
  useNACK,
  useOPUS,
  usePLI,
  useSdesMid,
  useTransportWideCC,
  useTWCC,
} from 'werift';

export type ToPeers = { type: 'open'; id: number; offer: string } | { type: 'count' } | { type: 'drop'; id: number } | { type: 'close' };
export type FromPeers =
  | { type: 'ready' }
  | { type: 'answer'; id: number; answer: string }
  | { type: 'connected'; id: number; srtp: string; at: number }
  | { type: 'count'; received: number[]; firstVideoAt: number[]; cpuMs: number }
  | { type: 'error'; message: string };

const peers = new Map<number, RTCPeerConnection>();
/** Per subscriber: RTP packets received on all its tracks, and when its first video packet came (0: none yet). */
const received: number[] = [];
const firstVideoAt: number[] = [];
const now = () => performance.timeOrigin + performance.now();

function send(m: FromPeers): void {
  process.send?.(m);
}

async function open(id: number, offer: string): Promise<void> {
  // werift offers RTX only for the payload type the offer pairs it with (apt), so read that first.
  const apt = /^a=fmtp:\d+ apt=(\d+)/m.exec(offer)?.[1];
  const pc = new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    bundlePolicy: 'max-bundle',
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          rtcpFeedback: [useNACK(), usePLI(), useFIR(), useTWCC()],
        }),
        ...(apt ? [new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, parameters: `apt=${apt}` })] : []),
      ],
      audio: [useOPUS()],
    },
    headerExtensions: { video: [useSdesMid(), useAbsSendTime(), useTransportWideCC()], audio: [useSdesMid()] },
  });
  peers.set(id, pc);
  received[id] = 0;
  firstVideoAt[id] = 0;
  pc.onTrack.subscribe((track) => {
    const video = track.kind === 'video';
    track.onReceiveRtp.subscribe(() => {
      received[id] = (received[id] ?? 0) + 1;
      if (video && !firstVideoAt[id]) firstVideoAt[id] = now();
    });
  });
  pc.connectionStateChange.subscribe((state) => {
    if (state !== 'connected') return;
    const at = now();
    void pc.getStats().then((report) => {
      const transport = [...report.values()].find((s) => s.type === 'transport') as { srtpCipher?: string } | undefined;
      send({ type: 'connected', id, srtp: transport?.srtpCipher ?? 'unknown', at });
    });
  });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  send({ type: 'answer', id, answer: pc.localDescription!.sdp });
}

process.on('message', (m: ToPeers) => {
  switch (m.type) {
    case 'open':
      open(m.id, m.offer).catch((err: unknown) => send({ type: 'error', message: String(err) }));
      break;
    case 'count': {
      const cpu = process.cpuUsage();
      send({ type: 'count', received: [...received], firstVideoAt: [...firstVideoAt], cpuMs: (cpu.user + cpu.system) / 1000 });
      break;
    }
    case 'drop':
      void peers.get(m.id)?.close();
      peers.delete(m.id);
      break;
    case 'close':
      void Promise.allSettled([...peers.values()].map((pc) => pc.close())).then(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
RTCDtlsTransport.SetupCertificate().then(
  () => send({ type: 'ready' }),
  (err: unknown) => send({ type: 'error', message: `certificate: ${String(err)}` }),
);
