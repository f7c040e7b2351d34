// One handler per signaling request. The map below must name every RequestName, so a
// missing handler is a compile error.
import { eq } from 'drizzle-orm';
import { sessions } from '@lectern/db';
import type { DtlsParameters, RtpCapabilities, RtpParameters } from '@lectern/sfu';
import { AppError, ForbiddenError } from '../errors.js';
import type { ConsumerParams, ParsedRequest, RequestName, ResponseMap } from '../protocol/index.js';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../protocol/errors.js';
import { endSession } from '../sessions/sessionService.js';
import type { Gateway } from './Gateway.js';
import { recordJoin } from './attendance.js';
import { isHostRole, peerKey, roomKey, type RtcSocket } from './types.js';

export type Handler<N extends RequestName> = (gw: Gateway, socket: RtcSocket, payload: ParsedRequest<N>) => Promise<ResponseMap[N]>;

const EMPTY = {} as Record<string, never>;

/** A refusal in the room: its code is one of the protocol's, its HTTP status follows it. */
export class RoomError extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, message, ERROR_HTTP_STATUS[code]);
  }
}

function requireReady(socket: RtcSocket): void {
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

const ids = (s: RtcSocket) => ({ roomId: s.data.sessionId, peerId: s.data.peerId });

export const handlers = {
  async getRouterRtpCapabilities(gw, socket) {
    requireReady(socket);
    return gw.ensureRoom(socket.data.sessionId);
  },

  async join(gw, socket, { rtpCapabilities }) {
    requireReady(socket);
    const { sessionId, peerId } = socket.data;
    await gw.ensureRoom(sessionId);
    await gw.sfu.call('addPeer', { roomId: sessionId, peerId, connectionId: socket.id });
    socket.data.rtpCapabilities = rtpCapabilities;
    const wasJoined = socket.data.joined;
    socket.data.joined = true;
    await socket.join(roomKey(sessionId));
    if (!wasJoined) {
      await recordJoin(gw.ctx, {
        connectionId: socket.id,
        sessionId,
        participantId: peerId,
        userId: socket.data.claims.userId,
        displayName: socket.data.displayName,
        role: socket.data.role,
      });
      const self = gw.peerInfo(socket, []);
      socket.to(roomKey(sessionId)).emit('peerJoined', { peer: self });
    }
    const [peers, session, lobby] = await Promise.all([gw.peersOf(sessionId, peerId), gw.sessionInfo(sessionId), gw.lobbyOf(sessionId)]);
    return { self: gw.peerInfo(socket, []), session, peers, lobby: isHostRole(socket.data.role) ? lobby : [] };
  },

  async createTransport(gw, socket, { direction }) {
    requireJoined(socket);
    const t = await gw.sfu.call('createWebRtcTransport', { ...ids(socket), direction });
    return { ...t, iceServers: gw.iceServers(socket.data.peerId) };
  },

  async connectTransport(gw, socket, { transportId, dtlsParameters }) {
    requireJoined(socket);
    // Shape-checked by the protocol schema; mediasoup validates the parameters in depth.
    await gw.sfu.call('connectTransport', { ...ids(socket), transportId, dtlsParameters: dtlsParameters as unknown as DtlsParameters });
    return EMPTY;
  },

  async restartIce(gw, socket, { transportId }) {
    requireJoined(socket);
    return gw.sfu.call('restartIce', { ...ids(socket), transportId });
  },

  async produce(gw, socket, { transportId, kind, rtpParameters, source }) {
    requireJoined(socket);
    if (source === 'mic' && kind !== 'audio') throw new RoomError('bad_request', 'mic must be audio');
    if (source !== 'mic' && kind !== 'video') throw new RoomError('bad_request', `${source} must be video`);
    return gw.sfu.call('produce', { ...ids(socket), transportId, kind, rtpParameters: rtpParameters as unknown as RtpParameters, appData: { source } });
  },

  async closeProducer(gw, socket, { producerId }) {
    requireJoined(socket);
    await gw.sfu.call('closeProducer', { ...ids(socket), producerId });
    return EMPTY;
  },

  async pauseProducer(gw, socket, { producerId }) {
    requireJoined(socket);
    await gw.sfu.call('pauseProducer', { ...ids(socket), producerId });
    return EMPTY;
  },

  async resumeProducer(gw, socket, { producerId }) {
    requireJoined(socket);
    await gw.sfu.call('resumeProducer', { ...ids(socket), producerId });
    return EMPTY;
  },

  async consume(gw, socket, { transportId, producerId }) {
    requireJoined(socket);
    const producers = await gw.sfu.call('listProducers', { roomId: socket.data.sessionId });
    const producer = producers.find((p) => p.producerId === producerId);
    if (!producer) throw new RoomError('not_found', 'No such producer');
    if (producer.peerId === socket.data.peerId) throw new RoomError('bad_request', 'Cannot consume your own producer');
    const c = await gw.sfu.call('consume', { ...ids(socket), transportId, producerId, rtpCapabilities: socket.data.rtpCapabilities as RtpCapabilities });
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

  async resumeConsumer(gw, socket, { consumerId }) {
    requireJoined(socket);
    await gw.sfu.call('resumeConsumer', { ...ids(socket), consumerId });
    return EMPTY;
  },

  async setPreferredLayers(gw, socket, { consumerId, spatialLayer, temporalLayer }) {
    requireJoined(socket);
    await gw.sfu.call('setPreferredLayers', { ...ids(socket), consumerId, spatialLayer, temporalLayer });
    return EMPTY;
  },

  async leave(gw, socket) {
    await gw.leave(socket);
    socket.disconnect(true);
    return EMPTY;
  },

  async admit(gw, socket, { peerId }) {
    requireHost(socket);
    await gw.setAccess(socket.data.sessionId, peerId, 'admitted');
    await gw.control({ type: 'admit', sessionId: socket.data.sessionId, peerId });
    return EMPTY;
  },

  async deny(gw, socket, { peerId }) {
    requireHost(socket);
    await gw.setAccess(socket.data.sessionId, peerId, 'denied');
    await gw.control({ type: 'deny', sessionId: socket.data.sessionId, peerId });
    return EMPTY;
  },

  async mutePeer(gw, socket, { peerId, source }) {
    requireHost(socket);
    const { sessionId } = socket.data;
    const producers = await gw.sfu.call('listProducers', { roomId: sessionId });
    const targets = producers.filter(
      (p) =>
        (peerId ? p.peerId === peerId : p.peerId !== socket.data.peerId) &&
        (source === 'all' ? p.source !== 'screen' : p.source === source) &&
        !p.paused,
    );
    await Promise.all(
      targets.map(async (p) => {
        await gw.sfu.call('pauseProducer', { roomId: sessionId, peerId: p.peerId, producerId: p.producerId });
        gw.nsp.to(peerKey(sessionId, p.peerId)).emit('mutedByHost', { source: p.source });
      }),
    );
    return EMPTY;
  },

  async removePeer(gw, socket, { peerId }) {
    requireHost(socket);
    if (peerId === socket.data.peerId) throw new RoomError('bad_request', 'Use leave to leave');
    await gw.setAccess(socket.data.sessionId, peerId, 'removed');
    await gw.control({ type: 'remove', sessionId: socket.data.sessionId, peerId });
    return EMPTY;
  },

  async lockRoom(gw, socket, { locked }) {
    requireHost(socket);
    await gw.ctx.db.update(sessions).set({ locked, updatedAt: gw.ctx.clock.now() }).where(eq(sessions.id, socket.data.sessionId));
    gw.nsp.to(roomKey(socket.data.sessionId)).emit('roomLocked', { locked });
    return EMPTY;
  },

  async startRecording(gw, socket) {
    requireHost(socket);
    return gw.recording('start', socket.data.sessionId, socket.data.claims.userId);
  },

  async stopRecording(gw, socket) {
    requireHost(socket);
    await gw.recording('stop', socket.data.sessionId, socket.data.claims.userId);
    return EMPTY;
  },

  async endSession(gw, socket) {
    requireHost(socket);
    await endSession(gw.ctx, socket.data.sessionId);
    return EMPTY;
  },
} satisfies { [N in RequestName]: Handler<N> };
