import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/index.js';
import type { RoomClaims } from '../auth/tokens.js';

export interface SocketData {
  claims: RoomClaims;
  sessionId: string;
  peerId: string;
  displayName: string;
  role: RoomClaims['role'];
  /** lobby: waiting for the host; ready: may join the room. */
  state: 'lobby' | 'ready';
  lobbySince: string;
  /** Joined the SFU room (attendance interval open). */
  joined: boolean;
  rtpCapabilities: unknown;
  /** Set when a newer connection of the same participant took over. */
  replaced: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no inter-server events
type InterServer = {};
export type RtcServer = Server<ClientToServerEvents, ServerToClientEvents, InterServer, SocketData>;
export type RtcNamespace = ReturnType<RtcServer['of']>;
export type RtcSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServer, SocketData>;

export const roomKey = (sid: string) => `s:${sid}`;
export const lobbyKey = (sid: string) => `lobby:${sid}`;
export const hostsKey = (sid: string) => `hosts:${sid}`;
export const peerKey = (sid: string, pid: string) => `p:${sid}:${pid}`;

export const isHostRole = (role: RoomClaims['role']) => role === 'host' || role === 'cohost';

/** Control messages between gateways (every API node acts on its own sockets). */
export type ControlMessage =
  | { type: 'admit'; sessionId: string; peerId: string }
  | { type: 'deny'; sessionId: string; peerId: string }
  | { type: 'remove'; sessionId: string; peerId: string }
  | { type: 'replace'; sessionId: string; peerId: string; keepSocketId: string };

export const CONTROL_TOPIC = 'lectern:room-control';
