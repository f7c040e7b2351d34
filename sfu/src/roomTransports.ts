import type { Peer } from './Peer.js';
import { SfuError } from './SfuError.js';
import type { RouterLease } from './WorkerPool.js';
import type { CreatePlainTransportResponse, CreateWebRtcTransportResponse, TransportDirection } from './types.js';

const INITIAL_OUTGOING_BITRATE = 1_000_000;

/** WebRTC transports one peer may hold at once (send and receive, with room for a rebuild). */
export const MAX_WEBRTC_TRANSPORTS_PER_PEER = 8;

/** A WebRTC transport for `peer` on its router's WebRtcServer (UDP and TCP, UDP preferred). */
export async function createWebRtcTransport(lease: RouterLease, peer: Peer, direction: TransportDirection): Promise<CreateWebRtcTransportResponse> {
  // A browser holds two; more than a few is a client asking for resources it cannot use.
  if (peer.transportCount >= MAX_WEBRTC_TRANSPORTS_PER_PEER) {
    throw new SfuError('invalid_request', `Peer ${peer.id} already holds ${peer.transportCount} transports`);
  }
  const transport = await lease.router.createWebRtcTransport({
    webRtcServer: lease.webRtcServer,
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
    appData: { peerId: peer.id, direction },
  });
  peer.addTransport({ kind: 'webrtc', direction, transport });
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
  };
}

/** A plain RTP transport for media ingest (send) or output to a local process (recv, e.g. recording). */
export async function createPlainTransport(lease: RouterLease, peer: Peer, direction: TransportDirection, comedia: boolean): Promise<CreatePlainTransportResponse> {
  const transport = await lease.router.createPlainTransport({
    listenInfo: {
      protocol: 'udp',
      ip: lease.listenIp,
      ...(lease.announcedAddress ? { announcedAddress: lease.announcedAddress } : {}),
    },
    rtcpMux: false,
    comedia,
    appData: { peerId: peer.id, direction },
  });
  peer.addTransport({ kind: 'plain', direction, transport });
  const { tuple, rtcpTuple } = transport;
  return { id: transport.id, ip: tuple.localAddress, port: tuple.localPort, rtcpPort: rtcpTuple?.localPort ?? tuple.localPort };
}
