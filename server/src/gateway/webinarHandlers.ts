// Webinar requests: hosts promote a viewer to presenter (may publish) or demote them (their
// producers close); anyone joined pages through the room's people.
import type { RequestName } from '../protocol/index.js';
import { requireHost, requireJoined, RoomError } from './guards.js';
import type { Handler } from './handlers.js';
import { isHostRole, type RoomOps, type RtcSocket } from './types.js';

const EMPTY = {} as Record<string, never>;

async function setPromoted(room: RoomOps, socket: RtcSocket, peerId: string, promoted: boolean): Promise<void> {
  requireHost(socket);
  const { sessionId } = socket.data;
  if (!(await room.isWebinar(sessionId))) throw new RoomError('conflict', 'This session is not a webinar: everyone may publish');
  const role = await room.roleInRoom(sessionId, peerId);
  if (!role) throw new RoomError('not_found', 'No such participant in the room');
  if (isHostRole(role)) throw new RoomError('bad_request', 'Hosts and co-hosts always may publish');
  // Every node updates the room's set and its own sockets of theirs, then tells them (peerPromoted).
  await room.control({ type: 'promote', sessionId, peerId, promoted });
  room.emitToRoom(sessionId, peerId, 'peerPromoted', { peerId, promoted });
  if (promoted) return;
  const producers = await room.sfu.call('listProducers', { roomId: sessionId });
  await Promise.all(
    producers
      .filter((p) => p.peerId === peerId)
      .map((p) => room.sfu.call('closeProducer', { roomId: sessionId, peerId, producerId: p.producerId }).catch(() => undefined)),
  );
}

type WebinarRequest = 'promote' | 'demote' | 'roster';

export const webinarHandlers = {
  async promote(room, socket, { peerId }) {
    await setPromoted(room, socket, peerId, true);
    return EMPTY;
  },

  async demote(room, socket, { peerId }) {
    await setPromoted(room, socket, peerId, false);
    return EMPTY;
  },

  async roster(room, socket, { offset, limit }) {
    requireJoined(socket);
    const page = await room.rosterPage(socket.data.sessionId, socket.data.peerId, offset, limit);
    return { ...page, offset };
  },
} satisfies { [N in WebinarRequest & RequestName]: Handler<N> };

/** Hosts first, then presenters, then by name (then id, so pages are stable). */
export function rosterOrder(a: { role: string; promoted?: boolean; displayName: string; peerId: string }, b: typeof a): number {
  const rank = (p: typeof a) => (isHostRole(p.role as never) ? 0 : p.promoted ? 1 : 2);
  return rank(a) - rank(b) || a.displayName.localeCompare(b.displayName) || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);
}
