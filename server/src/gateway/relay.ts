// What the gateway does with the bus's messages: SFU events, session events and room
// control reach every API node, and each one acts on its own sockets only.
import type { SessionEvent, SfuEvent, RoomControl } from '../bus/topics.js';
import type { SfuClient } from '../sfu/SfuClient.js';
import { lobbyKey, peerKey, roomKey, waitingKey, type RtcNamespace, type RtcSocket } from './types.js';

export interface RelayDeps {
  readonly nsp: RtcNamespace;
  readonly sfu: Pick<SfuClient, 'call'>;
  leave(socket: RtcSocket): Promise<void>;
  pushLobby(sessionId: string): Promise<void>;
  /** The session started: let in this node's sockets waiting for it. */
  letWaitingIn(sessionId: string): Promise<void>;
  /** Sends this node's socket a fresh room token now (it was just let in). */
  refreshToken(socket: RtcSocket): void;
  /** Webinar: records a promotion or demotion in this node's copy of the room's set. */
  setPromoted(sessionId: string, peerId: string, promoted: boolean): void;
  /** The session is over: drop what this node kept of its room. */
  forgetRoom(sessionId: string): void;
}

/** This node's own sockets in a Socket.IO room (every node acts on its own). */
export async function localSockets(nsp: RtcNamespace, room: string): Promise<RtcSocket[]> {
  const all = await nsp.local.in(room).fetchSockets();
  return all.map((s) => nsp.sockets.get(s.id)).filter((s): s is RtcSocket => s !== undefined);
}

/** A control message for one participant: acts on this node's sockets of theirs. */
export async function applyControl(r: RelayDeps, msg: RoomControl): Promise<void> {
  const sockets = await localSockets(r.nsp, peerKey(msg.sessionId, msg.peerId));
  switch (msg.type) {
    case 'replace':
      for (const s of sockets) {
        if (s.id === msg.keepSocketId) continue;
        s.data.replaced = true;
        s.disconnect(true);
      }
      return;
    case 'admit':
      for (const s of sockets) {
        if (s.data.state !== 'lobby') continue;
        s.data.state = 'ready';
        await s.leave(lobbyKey(msg.sessionId));
        s.emit('admitted', {});
        r.refreshToken(s);
      }
      // Every API node gets this message; only the one holding the socket pushes the lobby.
      if (sockets.length > 0) await r.pushLobby(msg.sessionId);
      return;
    case 'deny':
      for (const s of sockets) {
        s.emit('denied', { reason: 'The host did not let you in' });
        s.disconnect(true);
      }
      if (sockets.length > 0) await r.pushLobby(msg.sessionId);
      return;
    case 'promote':
      r.setPromoted(msg.sessionId, msg.peerId, msg.promoted);
      // The participant hears of it only once this node lets them publish (or not).
      for (const s of sockets) {
        s.data.promoted = msg.promoted;
        s.emit('peerPromoted', { peerId: msg.peerId, promoted: msg.promoted });
      }
      return;
    case 'remove':
      for (const s of sockets) {
        s.emit('removed', { reason: 'The host removed you from the session' });
        await r.leave(s);
        s.disconnect(true);
      }
      return;
  }
}

/** An SFU event: told to this node's sockets in the room. */
export function relaySfuEvent(nsp: RtcNamespace, e: SfuEvent): void {
  // Every API node receives each SFU event from the bus: each one emits to its own sockets only.
  const room = nsp.local.to(roomKey(e.roomId));
  switch (e.type) {
    case 'newProducer':
      room.except(peerKey(e.roomId, e.peerId)).emit('newProducer', {
        producerId: e.producerId,
        peerId: e.peerId,
        kind: e.kind,
        source: e.source,
        paused: false,
      });
      return;
    case 'producerClosed':
      room.emit('producerClosed', { peerId: e.peerId, producerId: e.producerId });
      return;
    case 'producerPaused':
      room.emit('producerPaused', { peerId: e.peerId, producerId: e.producerId, source: e.source, byHost: false });
      return;
    case 'producerResumed':
      room.emit('producerResumed', { peerId: e.peerId, producerId: e.producerId, source: e.source });
      return;
    case 'consumerClosed':
      nsp.local.to(peerKey(e.roomId, e.peerId)).emit('consumerClosed', { consumerId: e.consumerId, producerId: e.producerId });
      return;
    case 'producerLayersWanted':
      // Only the publisher: its client stops (or starts again) encoding the layers above.
      nsp.local.to(peerKey(e.roomId, e.peerId)).emit('producerLayers', { producerId: e.producerId, spatialLayer: e.spatialLayer });
      return;
    case 'activeSpeaker':
      room.emit('activeSpeaker', { peerId: e.peerId });
      return;
    case 'roomClosed':
      if (e.reason === 'worker_died') room.emit('reconnectRequired', { reason: 'media server restarted' });
      return;
    case 'peersLost':
      // Only the participants whose media was on the dead node: the others keep theirs.
      for (const peerId of e.peerIds) nsp.local.to(peerKey(e.roomId, peerId)).emit('reconnectRequired', { reason: 'media server restarted' });
      return;
  }
}

/** A session event: the start lets waiting sockets in, the end (or cancellation) disconnects this node's sockets; a settings change is told to the room. */
export async function relaySessionEvent(r: RelayDeps, e: SessionEvent): Promise<void> {
  if (e.type === 'roomChanged') {
    r.nsp.local.to(roomKey(e.sessionId)).emit('roomLocked', { locked: e.locked });
    return;
  }
  if (e.type === 'started') {
    await r.letWaitingIn(e.sessionId);
    return;
  }
  r.forgetRoom(e.sessionId);
  const sockets = (await Promise.all([roomKey, lobbyKey, waitingKey].map((key) => localSockets(r.nsp, key(e.sessionId))))).flat();
  for (const s of sockets) {
    s.emit('sessionEnded', { reason: 'ended_by_host' });
    s.data.joined = false; // intervals were closed by endSession
  }
  setTimeout(() => {
    for (const s of sockets) s.disconnect(true);
  }, 250).unref();
  await r.sfu.call('closeRoom', { roomId: e.sessionId }).catch(() => undefined);
}

