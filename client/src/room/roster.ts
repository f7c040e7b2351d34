// Who else is in the room, what each of them sends, who waits in the lobby and who is
// speaking: an immutable state and a pure reducer over the server's notifications. The
// side effects (consume a new producer, drop a consumer, show a lobby notice) stay with
// the caller, which compares the state before and after.
import type { LobbyEntry, PeerInfo, ProducerInfo, RoomRole } from '@lectern/server/protocol';

export interface RemotePeer {
  readonly peerId: string;
  readonly displayName: string;
  readonly role: RoomRole;
  readonly producers: ReadonlyMap<string, ProducerInfo>;
  /** Webinar: a viewer the hosts let publish. */
  readonly promoted: boolean;
}

export interface RosterState {
  /** This browser's own peer id: it never appears among `peers`. */
  readonly self: string | null;
  /** Everyone else, in join order. */
  readonly peers: ReadonlyMap<string, RemotePeer>;
  readonly lobby: readonly LobbyEntry[];
  readonly activeSpeaker: string | null;
  /** Everyone else in the room, as the server last counted (a webinar viewer's `peers` holds the stage only). */
  readonly total: number;
}

export type RosterEvent =
  | { type: 'self'; peerId: string }
  /** The `join` answer: the room as it is now replaces what we knew. */
  | { type: 'joined'; self: string; peers: readonly PeerInfo[]; lobby: readonly LobbyEntry[]; total: number }
  /** Webinar, to viewers: a batch of arrivals and departures; only the stage becomes peers. */
  | { type: 'rosterChanged'; added: readonly PeerInfo[]; removed: readonly string[]; total: number }
  | { type: 'promoted'; peerId: string; promoted: boolean }
  | { type: 'peerJoined'; peer: PeerInfo }
  | { type: 'peerLeft'; peerId: string }
  | { type: 'newProducer'; producer: ProducerInfo }
  | { type: 'producerClosed'; peerId: string; producerId: string }
  | { type: 'producerPaused'; peerId: string; producerId: string; paused: boolean }
  | { type: 'activeSpeaker'; peerId: string | null }
  | { type: 'lobby'; lobby: readonly LobbyEntry[] }
  /** Out of the room (left, ended, removed): forget everyone but keep our own id. */
  | { type: 'clear' };

export const EMPTY_ROSTER: RosterState = { self: null, peers: new Map(), lobby: [], activeSpeaker: null, total: 0 };

/** Who a webinar viewer sees as a tile: hosts, presenters and anyone publishing. */
export const onStage = (p: PeerInfo): boolean => p.role === 'host' || p.role === 'cohost' || p.promoted === true || p.producers.length > 0;

function toPeer(info: PeerInfo): RemotePeer {
  return {
    peerId: info.peerId,
    displayName: info.displayName,
    role: info.role,
    producers: new Map(info.producers.map((p) => [p.producerId, p])),
    promoted: info.promoted === true,
  };
}

function withPeer(peers: ReadonlyMap<string, RemotePeer>, peer: RemotePeer): ReadonlyMap<string, RemotePeer> {
  const next = new Map(peers);
  next.set(peer.peerId, peer);
  return next;
}

function withProducers(peer: RemotePeer, edit: (producers: Map<string, ProducerInfo>) => void): RemotePeer {
  const producers = new Map(peer.producers);
  edit(producers);
  return { ...peer, producers };
}

export function reduceRoster(state: RosterState, event: RosterEvent): RosterState {
  switch (event.type) {
    case 'self':
      return { ...state, self: event.peerId };
    case 'joined': {
      const peers = new Map<string, RemotePeer>();
      for (const p of event.peers) if (p.peerId !== event.self) peers.set(p.peerId, toPeer(p));
      return { ...state, self: event.self, peers, lobby: [...event.lobby], total: event.total };
    }
    case 'rosterChanged': {
      const peers = new Map(state.peers);
      for (const id of event.removed) peers.delete(id);
      for (const p of event.added) {
        if (p.peerId === state.self || !onStage(p)) continue;
        const existing = peers.get(p.peerId);
        peers.set(p.peerId, existing ? { ...toPeer(p), producers: existing.producers } : toPeer(p));
      }
      const total = Math.max(0, event.total - 1);
      const speaker = state.activeSpeaker !== null && event.removed.includes(state.activeSpeaker) ? null : state.activeSpeaker;
      return { ...state, peers, total, activeSpeaker: speaker };
    }
    case 'promoted': {
      const peer = state.peers.get(event.peerId);
      if (!peer || peer.promoted === event.promoted) return state;
      return { ...state, peers: withPeer(state.peers, { ...peer, promoted: event.promoted }) };
    }
    case 'peerJoined': {
      if (event.peer.peerId === state.self) return state;
      const existing = state.peers.get(event.peer.peerId);
      let peer = toPeer(event.peer);
      // Keep producers we already know of (newProducer may have raced peerJoined).
      if (existing) {
        peer = withProducers(peer, (mine) => {
          for (const [id, p] of existing.producers) if (!mine.has(id)) mine.set(id, p);
        });
      }
      return { ...state, peers: withPeer(state.peers, peer) };
    }
    case 'peerLeft': {
      if (!state.peers.has(event.peerId)) return state;
      const peers = new Map(state.peers);
      peers.delete(event.peerId);
      return { ...state, peers, activeSpeaker: state.activeSpeaker === event.peerId ? null : state.activeSpeaker };
    }
    case 'newProducer': {
      const info = event.producer;
      if (info.peerId === state.self) return state;
      const base = state.peers.get(info.peerId) ?? toPeer({ peerId: info.peerId, displayName: 'Guest', role: 'guest', producers: [] });
      return { ...state, peers: withPeer(state.peers, withProducers(base, (m) => m.set(info.producerId, info))) };
    }
    case 'producerClosed': {
      const peer = state.peers.get(event.peerId);
      if (!peer?.producers.has(event.producerId)) return state;
      return { ...state, peers: withPeer(state.peers, withProducers(peer, (m) => m.delete(event.producerId))) };
    }
    case 'producerPaused': {
      if (event.peerId === state.self) return state;
      const peer = state.peers.get(event.peerId);
      const producer = peer?.producers.get(event.producerId);
      if (!peer || !producer || producer.paused === event.paused) return state;
      const updated = { ...producer, paused: event.paused };
      return { ...state, peers: withPeer(state.peers, withProducers(peer, (m) => m.set(event.producerId, updated))) };
    }
    case 'activeSpeaker':
      return state.activeSpeaker === event.peerId ? state : { ...state, activeSpeaker: event.peerId };
    case 'lobby':
      return { ...state, lobby: [...event.lobby] };
    case 'clear':
      return { ...EMPTY_ROSTER, self: state.self };
  }
}

/** Does the roster still list this producer (a consumer of it is still wanted)? */
export function hasProducer(state: RosterState, peerId: string, producerId: string): boolean {
  return state.peers.get(peerId)?.producers.has(producerId) ?? false;
}

export function isProducerPaused(state: RosterState, peerId: string, producerId: string): boolean {
  return state.peers.get(peerId)?.producers.get(producerId)?.paused ?? false;
}

/** Every remote producer, to consume after (re)joining. */
export function allProducers(state: RosterState): ProducerInfo[] {
  return [...state.peers.values()].flatMap((peer) => [...peer.producers.values()]);
}

/** Who entered and who left the lobby between two lists. */
export function lobbyChanges(before: readonly LobbyEntry[], after: readonly LobbyEntry[]): { arrived: LobbyEntry[]; departed: string[] } {
  const was = new Set(before.map((e) => e.peerId));
  const now = new Set(after.map((e) => e.peerId));
  return {
    arrived: after.filter((e) => !was.has(e.peerId)),
    departed: [...was].filter((id) => !now.has(id)),
  };
}
