// One handler per signaling request. The map below must name every RequestName, so a
// missing handler is a compile error.
import type { DtlsParameters, RtpCapabilities, RtpParameters } from '@lectern/sfu';
import { isCodeGuest } from '../auth/tokens.js';
import { AppError, ForbiddenError } from '../errors.js';
import type { ConsumerParams, ParsedRequest, RequestName, ResponseMap } from '../protocol/index.js';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../protocol/errors.js';
import { isHostRole, roomKey, type RoomOps, type RtcSocket } from './types.js';

export type Handler<N extends RequestName> = (room: RoomOps, socket: RtcSocket, payload: ParsedRequest<N>) => Promise<ResponseMap[N]>;

const EMPTY = {} as Record<string, never>;

/** A refusal in the room: its code is one of the protocol's, its HTTP status follows it. */
export class RoomError extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, message, ERROR_HTTP_STATUS[code]);
  }
}

function requireReady(socket: RtcSocket): void {
  if (socket.data.state === 'waiting') throw new RoomError('in_lobby', 'Waiting for the host to start the session');
  if (socket.data.state !== 'ready') throw new RoomError('in_lobby', 'Waiting in the lobby');
}
function requireJoined(socket: RtcSocket): void {
  requireReady(socket);
  if (!socket.data.joined) throw new RoomError('not_joined', 'Join the room first');
}
function requireHost(socket: RtcSocket): void {
  requireJoined(socket);
  if (!isHostRole(socket.data.role)) throw new ForbiddenError('Only the host can do this');
}

/** Removing or denying the session's host is refused to everyone (a co-host included). */
async function requireNotHost(room: RoomOps, socket: RtcSocket, peerId: string): Promise<void> {
  if (peerId === (await room.hostOf(socket.data.sessionId))) throw new ForbiddenError('The host cannot be removed from their own session');
}

const ids = (s: RtcSocket) => ({ roomId: s.data.sessionId, peerId: s.data.peerId });

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
    if (!wasJoined) {
      await room.recordJoin(socket);
      const self = room.peerInfo(socket, []);
      socket.to(roomKey(sessionId)).emit('peerJoined', { peer: self });
    }
    const [peers, session, lobby] = await Promise.all([room.peersOf(sessionId, peerId), room.sessionInfo(sessionId), room.lobbyOf(sessionId)]);
    // A host joining late hears who already reported a connection that is not good.
    if (isHostRole(socket.data.role)) {
      for (const q of await room.qualitiesOf(sessionId)) if (q.peerId !== peerId && q.level !== 'good') socket.emit('peerQuality', q);
    }
    return { self: room.peerInfo(socket, []), session, peers, lobby: isHostRole(socket.data.role) ? lobby : [] };
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
} satisfies { [N in RequestName]: Handler<N> };
