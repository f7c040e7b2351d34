// The gateway's view of a large room's people, read from the sockets of every node: one
// participant's role, a page of the roster, the head count, and who was promoted.
import type { PeerInfo, RoomRole } from '../protocol/index.js';
import { RosterBatcher } from './RosterBatcher.js';
import { hostsKey, peerKey, roomKey, type RtcNamespace, type RtcSocket, type SocketData } from './types.js';
import { rosterOrder } from './webinarHandlers.js';

type Peerish = { data: SocketData };

/** Everyone joined in the room once (a participant with two sockets counts once), but `exceptPeerId`. */
async function joinedPeers(nsp: RtcNamespace, sessionId: string, exceptPeerId: string | null): Promise<SocketData[]> {
  const seen = new Map<string, SocketData>();
  for (const s of (await nsp.in(roomKey(sessionId)).fetchSockets()) as Peerish[]) {
    if (s.data.joined && s.data.peerId !== exceptPeerId) seen.set(s.data.peerId, s.data);
  }
  return [...seen.values()];
}

export function peerInfoOf(d: SocketData, producers: PeerInfo['producers'] = []): PeerInfo {
  return { peerId: d.peerId, displayName: d.displayName, role: d.role, producers, ...(d.promoted ? { promoted: true } : {}) };
}

export async function roleInRoom(nsp: RtcNamespace, sessionId: string, peerId: string): Promise<RoomRole | null> {
  const sockets = (await nsp.in(peerKey(sessionId, peerId)).fetchSockets()) as Peerish[];
  return sockets.find((s) => s.data.joined)?.data.role ?? null;
}

export async function rosterPage(nsp: RtcNamespace, sessionId: string, exceptPeerId: string, offset: number, limit: number): Promise<{ peers: PeerInfo[]; total: number }> {
  const all = (await joinedPeers(nsp, sessionId, exceptPeerId)).map((d) => peerInfoOf(d));
  all.sort(rosterOrder);
  return { peers: all.slice(offset, offset + limit), total: all.length };
}

export async function headCount(nsp: RtcNamespace, sessionId: string): Promise<number> {
  return (await joinedPeers(nsp, sessionId, null)).length;
}

/** Per room, who the hosts promoted: every node keeps the whole set (each gets every promote control). */
export class Promotions {
  readonly #rooms = new Map<string, Set<string>>();

  set(sessionId: string, peerId: string, promoted: boolean): void {
    let room = this.#rooms.get(sessionId);
    if (promoted) {
      if (!room) this.#rooms.set(sessionId, (room = new Set()));
      room.add(peerId);
    } else if (room) {
      room.delete(peerId);
      if (room.size === 0) this.#rooms.delete(sessionId);
    }
  }

  has(sessionId: string, peerId: string): boolean {
    return this.#rooms.get(sessionId)?.has(peerId) ?? false;
  }

  forget(sessionId: string): void {
    this.#rooms.delete(sessionId);
  }
}

/**
 * Arrivals and departures told to a room: at once to everyone in an ordinary session; in a
 * webinar at once to the hosts and in batches (RosterBatcher) to the viewers.
 */
export class RosterAnnouncer {
  readonly #nsp: RtcNamespace;
  readonly #batcher: RosterBatcher;

  constructor(nsp: RtcNamespace, batchMs?: number) {
    this.#nsp = nsp;
    this.#batcher = new RosterBatcher(async (sessionId, added, removed) => {
      const total = await headCount(nsp, sessionId);
      nsp.to(roomKey(sessionId)).except(hostsKey(sessionId)).emit('rosterChanged', { added, removed, total });
    }, batchMs);
  }

  joined(socket: RtcSocket, peer: PeerInfo): void {
    const sid = socket.data.sessionId;
    if (!socket.data.webinar) {
      socket.to(roomKey(sid)).emit('peerJoined', { peer });
      return;
    }
    socket.to(hostsKey(sid)).emit('peerJoined', { peer });
    this.#batcher.added(sid, peer);
  }

  left(socket: RtcSocket): void {
    const d = socket.data;
    if (!d.webinar) {
      this.#nsp.to(roomKey(d.sessionId)).except(socket.id).emit('peerLeft', { peerId: d.peerId });
      return;
    }
    this.#nsp.to(hostsKey(d.sessionId)).except(socket.id).emit('peerLeft', { peerId: d.peerId });
    this.#batcher.removed(d.sessionId, d.peerId);
  }

  close(): void {
    this.#batcher.close();
  }
}
