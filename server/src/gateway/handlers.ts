// One handler per signaling request. The map below must name every RequestName, so a
// missing handler is a compile error.
import type { DtlsParameters, RtpCapabilities, RtpParameters } from '@lectern/sfu';
import { isCodeGuest } from '../auth/tokens.js';
import { ForbiddenError } from '../errors.js';
import type { ConsumerParams, ParsedRequest, PeerInfo, RequestName, ResponseMap } from '../protocol/index.js';
import { requireHost, requireJoined, requirePublisher, requireReady, RoomError } from './guards.js';
import { isHostRole, roomKey, type RoomOps, type RtcSocket } from './types.js';
import { webinarHandlers } from './webinarHandlers.js';

export { RoomError } from './guards.js';

export type Handler<N extends RequestName> = (room: RoomOps, socket: RtcSocket, payload: ParsedRequest<N>) => Promise<ResponseMap[N]>;

const EMPTY = {} as Record<string, never>;

/** Removing or denying the session's host is refused to everyone (a co-host included). */
async function requireNotHost(room: RoomOps, socket: RtcSocket, peerId: string): Promise<void> {
  if (peerId === (await room.hostOf(socket.data.sessionId))) throw new ForbiddenError('The host cannot be removed from their own session');
}

const ids = (s: RtcSocket) => ({ roomId: s.data.sessionId, peerId: s.data.peerId });

/** Who a webinar viewer sees as tiles: hosts, presenters and anyone publishing. */
const onStage = (p: PeerInfo) => isHostRole(p.role) || p.promoted === true || p.producers.length > 0;

export const handlers = {
  async getRouterRtpCapabilities(room, socket) {
    requireReady(socket);
    return room.ensureRoom(socket.data.sessionId);
  },

  async join(room, socket, { rtpCapabilities }) {
    requireReady(socket);
    const { sessionId, peerId } = socket.data;
    await room.ensureRoom(sessionId);
    await room.sfu.call('addPeer', { roomId: sessionId, peerId, connectionId: socket.id });
    socket.data.rtpCapabilities = rtpCapabilities;
    const wasJoined = socket.data.joined;
    socket.data.joined = true;
    await socket.join(roomKey(sessionId));
    const session = await room.sessionInfo(sessionId);
    socket.data.webinar = session.webinarMode;
    if (!wasJoined) {
      if (session.webinarMode && !isHostRole(socket.data.role)) socket.data.promoted = room.isPromoted(sessionId, peerId);
      await room.recordJoin(socket);
      room.announceJoin(socket, room.peerInfo(socket, []));
    }
    const [all, lobby] = await Promise.all([room.peersOf(sessionId, peerId), room.lobbyOf(sessionId)]);
    const host = isHostRole(socket.data.role);
    // A webinar viewer gets the stage only; the People panel pages through the rest (roster).
    const peers = session.webinarMode && !host ? all.filter(onStage) : all;
    // A host joining late hears who already reported a connection that is not good.
    if (host) {
      for (const q of await room.qualitiesOf(sessionId)) if (q.peerId !== peerId && q.level !== 'good') socket.emit('peerQuality', q);
    }
    return { self: room.peerInfo(socket, []), session, peers, lobby: host ? lobby : [], rosterTotal: all.length };
  },

  async createTransport(room, socket, { direction }) {
    requireJoined(socket);
    const t = await room.sfu.call('createWebRtcTransport', { ...ids(socket), direction });
    return { ...t, iceServers: room.iceServers(socket.data.peerId) };
  },

  async connectTransport(room, socket, { transportId, dtlsParameters }) {
    requireJoined(socket);
    // Shape-checked by the protocol schema; mediasoup validates the parameters in depth.
    await room.sfu.call('connectTransport', { ...ids(socket), transportId, dtlsParameters: dtlsParameters as unknown as DtlsParameters });
    return EMPTY;
  },

  async restartIce(room, socket, { transportId }) {
    requireJoined(socket);
    return room.sfu.call('restartIce', { ...ids(socket), transportId });
  },

  async produce(room, socket, { transportId, kind, rtpParameters, source }) {
    requireJoined(socket);
    if (source === 'mic' && kind !== 'audio') throw new RoomError('bad_request', 'mic must be audio');
    if (source !== 'mic' && kind !== 'video') throw new RoomError('bad_request', `${source} must be video`);
    await requirePublisher(room, socket);
    return room.sfu.call('produce', { ...ids(socket), transportId, kind, rtpParameters: rtpParameters as unknown as RtpParameters, appData: { source } });
  },

  async closeProducer(room, socket, { producerId }) {
    requireJoined(socket);
    await room.sfu.call('closeProducer', { ...ids(socket), producerId });
    return EMPTY;
  },

  async pauseProducer(room, socket, { producerId }) {
    requireJoined(socket);
    await room.sfu.call('pauseProducer', { ...ids(socket), producerId });
    return EMPTY;
  },

  async resumeProducer(room, socket, { producerId }) {
    requireJoined(socket);
    await room.sfu.call('resumeProducer', { ...ids(socket), producerId });
    return EMPTY;
  },

  async consume(room, socket, { transportId, producerId }) {
    requireJoined(socket);
    const producers = await room.sfu.call('listProducers', { roomId: socket.data.sessionId });
    const producer = producers.find((p) => p.producerId === producerId);
    if (!producer) throw new RoomError('not_found', 'No such producer');
    if (producer.peerId === socket.data.peerId) throw new RoomError('bad_request', 'Cannot consume your own producer');
    const c = await room.sfu.call('consume', { ...ids(socket), transportId, producerId, rtpCapabilities: socket.data.rtpCapabilities as RtpCapabilities });
    const res: ConsumerParams = {
      id: c.id,
      producerId: c.producerId,
      peerId: producer.peerId,
      kind: c.kind,
      rtpParameters: c.rtpParameters,
      type: c.type,
      producerPaused: c.producerPaused,
      source: producer.source,
    };
    return res;
  },

  // Both look the consumer up among the caller's own (ids(socket)): another peer's id is not_found.
  async pauseConsumer(room, socket, { consumerId }) {
    requireJoined(socket);
    await room.sfu.call('pauseConsumer', { ...ids(socket), consumerId });
    return EMPTY;
  },

  async resumeConsumer(room, socket, { consumerId }) {
    requireJoined(socket);
    await room.sfu.call('resumeConsumer', { ...ids(socket), consumerId });
    return EMPTY;
  },

  async setPreferredLayers(room, socket, { consumerId, spatialLayer, temporalLayer }) {
    requireJoined(socket);
    await room.sfu.call('setPreferredLayers', { ...ids(socket), consumerId, spatialLayer, temporalLayer });
    return EMPTY;
  },

  // Sent by the client when its level changes; the hosts hear of changes only (never the other guests).
  async reportQuality(room, socket, { level }) {
    requireJoined(socket);
    const d = socket.data;
    if (d.quality === level) return EMPTY;
    d.quality = level;
    room.emitToHosts(d.sessionId, d.peerId, 'peerQuality', { peerId: d.peerId, level });
    return EMPTY;
  },

  async leave(room, socket) {
    await room.leave(socket);
    socket.disconnect(true);
    return EMPTY;
  },

  async admit(room, socket, { peerId }) {
    requireHost(socket);
    await room.setAccess(socket.data.sessionId, peerId, 'admitted');
    await room.control({ type: 'admit', sessionId: socket.data.sessionId, peerId });
    return EMPTY;
  },

  async deny(room, socket, { peerId }) {
    requireHost(socket);
    await requireNotHost(room, socket, peerId);
    await room.setAccess(socket.data.sessionId, peerId, 'denied');
    await room.control({ type: 'deny', sessionId: socket.data.sessionId, peerId });
    return EMPTY;
  },

  async mutePeer(room, socket, { peerId, source }) {
    requireHost(socket);
    const { sessionId } = socket.data;
    const producers = await room.sfu.call('listProducers', { roomId: sessionId });
    const targets = producers.filter(
      (p) =>
        (peerId ? p.peerId === peerId : p.peerId !== socket.data.peerId) &&
        (source === 'all' ? p.source !== 'screen' : p.source === source) &&
        !p.paused,
    );
    await Promise.all(
      targets.map(async (p) => {
        await room.sfu.call('pauseProducer', { roomId: sessionId, peerId: p.peerId, producerId: p.producerId });
        room.emitToPeer(sessionId, p.peerId, 'mutedByHost', { source: p.source });
      }),
    );
    return EMPTY;
  },

  async removePeer(room, socket, { peerId }) {
    requireHost(socket);
    if (peerId === socket.data.peerId) throw new RoomError('bad_request', 'Use leave to leave');
    await requireNotHost(room, socket, peerId);
    await room.setAccess(socket.data.sessionId, peerId, 'removed');
    await room.control({ type: 'remove', sessionId: socket.data.sessionId, peerId });
    // A guest who came by code could come back under a new name with a new identity;
    // from now on new guests wait in the lobby (the host may open the room again).
    if (isCodeGuest(peerId)) await room.updateSettings(socket.data.sessionId, { guestAccess: 'lobby' });
    return EMPTY;
  },

  async lockRoom(room, socket, { locked }) {
    requireHost(socket);
    await room.updateSettings(socket.data.sessionId, { locked });
    return EMPTY;
  },

  async startRecording(room, socket) {
    requireHost(socket);
    return room.recording('start', socket.data.sessionId, socket.data.claims.userId);
  },

  async stopRecording(room, socket) {
    requireHost(socket);
    await room.recording('stop', socket.data.sessionId, socket.data.claims.userId);
    return EMPTY;
  },

  async endSession(room, socket) {
    requireHost(socket);
    await room.endSession(socket.data.sessionId);
    return EMPTY;
  },

  ...webinarHandlers,
} satisfies { [N in RequestName]: Handler<N> };
