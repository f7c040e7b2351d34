// The subscribers of the WebRTC SFU benchmark, run as a child process of sfuWebrtc.ts so that
// werift's JavaScript ICE/DTLS/SRTP does not slow the process that feeds and measures the SFU.
// Each subscriber is one werift RTCPeerConnection answering one mediasoup consumer's offer; it
// counts the RTP packets its video track receives and sends RTCP as a browser would (receiver
// reports, NACK, transport-cc feedback). Messages with the parent (process IPC):
//   parent -> { type: 'open', id, offer }   child -> { type: 'answer', id, answer }
//                                           child -> { type: 'connected', id, srtp } (DTLS-SRTP up)
//   parent -> { type: 'count' }             child -> { type: 'count', received, cpuMs }
//   parent -> { type: 'close' }             (the child closes its peer connections and exits)
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useAbsSendTime,
  useFIR,
  useNACK,
  usePLI,
  useSdesMid,
  useTransportWideCC,
  useTWCC,
} from 'werift';

export type ToPeers = { type: 'open'; id: number; offer: string } | { type: 'count' } | { type: 'close' };
export type FromPeers =
  | { type: 'answer'; id: number; answer: string }
  | { type: 'connected'; id: number; srtp: string }
  | { type: 'count'; received: number[]; cpuMs: number }
  | { type: 'error'; message: string };

const peers = new Map<number, RTCPeerConnection>();
const received: number[] = [];

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
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90000,
          rtcpFeedback: [useNACK(), usePLI(), useFIR(), useTWCC()],
        }),
        ...(apt ? [new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, parameters: `apt=${apt}` })] : []),
      ],
    },
    headerExtensions: { video: [useSdesMid(), useAbsSendTime(), useTransportWideCC()] },
  });
  peers.set(id, pc);
  received[id] = 0;
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => void (received[id] = (received[id] ?? 0) + 1));
  });
  pc.connectionStateChange.subscribe((state) => {
    if (state !== 'connected') return;
    void pc.getStats().then((report) => {
      const transport = [...report.values()].find((s) => s.type === 'transport') as { srtpCipher?: string } | undefined;
      send({ type: 'connected', id, srtp: transport?.srtpCipher ?? 'unknown' });
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
      send({ type: 'count', received: [...received], cpuMs: (cpu.user + cpu.system) / 1000 });
      break;
    }
    case 'close':
      void Promise.allSettled([...peers.values()].map((pc) => pc.close())).then(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
