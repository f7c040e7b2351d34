import type { Server, Socket } from 'socket.io';
import type { RoomAccessState } from '@lectern/db';
import type { RoomControl } from '../bus/topics.js';
import type { Clock } from '../clock.js';
import type {
  ClientToServerEvents,
  EntryState,
  LobbyEntry,
  NotificationMap,
  NotificationName,
  PeerInfo,
  ProducerInfo,
  QualityLevel,
  RoomRole,
  ServerToClientEvents,
  SessionInfo,
} from '../protocol/index.js';
import type { RoomClaims } from '../auth/tokens.js';
import type { SfuClient } from '../sfu/SfuClient.js';
import type { RoomSettings } from '../rooms/roomAccess.js';

export interface SocketData {
  claims: RoomClaims;
  sessionId: string;
  peerId: string;
  displayName: string;
  role: RoomClaims['role'];
  /** waiting: for the host to start; lobby: for the host to let in; ready: may join the room. */
  state: EntryState;
  lobbySince: string;
  /** Joined the SFU room (attendance interval open). */
  joined: boolean;
  rtpCapabilities: unknown;
  /** Set when a newer connection of the same participant took over. */
  replaced: boolean;
  /** The connection quality this socket last reported (none yet: unknown). */
  quality?: QualityLevel;
  /** The session is a webinar (read when joining). */
  webinar?: boolean;
  /** Webinar: a host let this participant publish. */
  promoted?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no inter-server events
type InterServer = {};
export type RtcServer = Server<ClientToServerEvents, ServerToClientEvents, InterServer, SocketData>;
export type RtcNamespace = ReturnType<RtcServer['of']>;
export type RtcSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServer, SocketData>;

export const roomKey = (sid: string) => `s:${sid}`;
export const lobbyKey = (sid: string) => `lobby:${sid}`;
export const waitingKey = (sid: string) => `waiting:${sid}`;
export const hostsKey = (sid: string) => `hosts:${sid}`;
export const peerKey = (sid: string, pid: string) => `p:${sid}:${pid}`;

export const isHostRole = (role: RoomClaims['role']) => role === 'host' || role === 'cohost';

/** Control messages between gateways (every API node acts on its own sockets). */
export const CONTROL_TOPIC = 'lectern:room-control' as const;

export type IceServer = { urls: string[]; username?: string; credential?: string };

/**
 * What a request handler may use: the narrow face of the gateway. Handlers never reach
 * the database, the bus or the namespace directly; the gateway implements this.
 */
export interface RoomOps {
  readonly sfu: Pick<SfuClient, 'call'>;
  readonly clock: Clock;
  ensureRoom(sessionId: string): Promise<{ rtpCapabilities: unknown }>;
  peerInfo(socket: { data: SocketData }, producers: ProducerInfo[]): PeerInfo;
  peersOf(sessionId: string, exceptPeerId: string): Promise<PeerInfo[]>;
  lobbyOf(sessionId: string): Promise<LobbyEntry[]>;
  /** What the joined participants last reported of their connection, on every node. */
  qualitiesOf(sessionId: string): Promise<{ peerId: string; level: QualityLevel }[]>;
  sessionInfo(sessionId: string): Promise<SessionInfo>;
  /** The participant id of the session's host (their user id). */
  hostOf(sessionId: string): Promise<string>;
  iceServers(peerId: string): IceServer[];
  recording(action: 'start' | 'stop', sessionId: string, userId: string | null): Promise<{ recordingId: string }>;
  setAccess(sessionId: string, participantId: string, state: RoomAccessState): Promise<void>;
  /** Changes the room's lock or guest access; everyone in it is told, on every node. */
  updateSettings(sessionId: string, patch: RoomSettings): Promise<void>;
  endSession(sessionId: string): Promise<void>;
  /** Opens the socket's attendance interval. */
  recordJoin(socket: RtcSocket): Promise<void>;
  control(msg: RoomControl): Promise<void>;
  leave(socket: RtcSocket): Promise<void>;
  /** Emits to every socket of one participant, on whichever node it is connected. */
  emitToPeer<E extends NotificationName>(sessionId: string, peerId: string, event: E, payload: NotificationMap[E]): void;
  /** Emits to the session's hosts and co-hosts, on every node, except the sockets of `exceptPeerId`. */
  emitToHosts<E extends NotificationName>(sessionId: string, exceptPeerId: string, event: E, payload: NotificationMap[E]): void;
  /** Emits to everyone joined in the room, on every node, except the sockets of `exceptPeerId`. */
  emitToRoom<E extends NotificationName>(sessionId: string, exceptPeerId: string, event: E, payload: NotificationMap[E]): void;
  /** Tells the room someone joined: at once, or in a webinar at once to the hosts and batched to the viewers. */
  announceJoin(socket: RtcSocket, peer: PeerInfo): void;
  /** Whether the session is a webinar now. */
  isWebinar(sessionId: string): Promise<boolean>;
  /** Webinar: whether a host promoted this participant (every node keeps the room's set). */
  isPromoted(sessionId: string, peerId: string): boolean;
  /** The participant's role when they are joined in the room (on any node), else null. */
  roleInRoom(sessionId: string, peerId: string): Promise<RoomRole | null>;
  /** One page of the joined participants but `exceptPeerId`: hosts, then presenters, then by name. */
  rosterPage(sessionId: string, exceptPeerId: string, offset: number, limit: number): Promise<{ peers: PeerInfo[]; total: number }>;
}
