// The signaling protocol between the browser and the Socket.IO gateway (namespace
// `/rtc`): types and constants, free of zod so the client imports it at run time. The
// request schemas that validate every payload on arrival live in ./schemas.ts (server
// only) and give the request types below. Requests are imperatives, answered with an
// acknowledgement `Ack<T>`; notifications are past tense.
import type { input, output } from 'zod';
import type { requestSchemas } from './schemas.js';

export * from './errors.js';
import type { ErrorCode } from './errors.js';

export const RTC_NAMESPACE = '/rtc';
/** Largest accepted socket message, bytes (SDP-derived RTP parameters fit easily). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

export const MEDIA_SOURCES = ['mic', 'webcam', 'screen'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];
export const ROOM_ROLES = ['host', 'cohost', 'participant', 'guest'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
/** How well a participant's connection carries the call, as their own browser measures it. */
export const QUALITY_LEVELS = ['good', 'fair', 'poor'] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];
/** The largest page the `roster` request answers. */
export const ROSTER_PAGE_MAX = 100;

export type RequestName = keyof typeof requestSchemas;
export type RequestPayload<N extends RequestName> = input<(typeof requestSchemas)[N]>;
export type ParsedRequest<N extends RequestName> = output<(typeof requestSchemas)[N]>;

export interface PeerInfo {
  peerId: string;
  displayName: string;
  role: RoomRole;
  producers: ProducerInfo[];
  /** Webinar: a viewer the hosts let publish (absent: not promoted). */
  promoted?: boolean;
}

export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
}

export interface SessionInfo {
  id: string;
  title: string;
  status: 'scheduled' | 'live' | 'completed' | 'cancelled';
  locked: boolean;
  recording: boolean;
  /** When the session is planned to start (ISO). */
  scheduledAt: string;
  /** Webinar mode: only hosts and promoted viewers publish; viewers get the roster in batches. */
  webinarMode: boolean;
}

/**
 * Where a socket stands: waiting for the host to start the session, in the lobby
 * (waiting to be let in), or free to join.
 */
export type EntryState = 'waiting' | 'lobby' | 'ready';

export interface TransportParams {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  iceServers?: { urls: string[]; username?: string; credential?: string }[];
}

export interface ConsumerParams {
  id: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  type: string;
  producerPaused: boolean;
  source: MediaSource;
}

export interface LobbyEntry {
  peerId: string;
  displayName: string;
  since: string;
}

/** Response data for each request. */
export interface ResponseMap {
  getRouterRtpCapabilities: { rtpCapabilities: unknown };
  /** In a webinar a viewer's `peers` lists the stage only (hosts, presenters, anyone publishing); `rosterTotal` counts everyone else in the room. */
  join: { self: PeerInfo; session: SessionInfo; peers: PeerInfo[]; lobby: LobbyEntry[]; rosterTotal: number };
  createTransport: TransportParams;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: unknown };
  produce: { id: string };
  closeProducer: Record<string, never>;
  pauseProducer: Record<string, never>;
  resumeProducer: Record<string, never>;
  consume: ConsumerParams;
  pauseConsumer: Record<string, never>;
  resumeConsumer: Record<string, never>;
  setPreferredLayers: Record<string, never>;
  reportQuality: Record<string, never>;
  leave: Record<string, never>;
  roster: { peers: PeerInfo[]; total: number; offset: number };
  admit: Record<string, never>;
  deny: Record<string, never>;
  mutePeer: Record<string, never>;
  removePeer: Record<string, never>;
  lockRoom: Record<string, never>;
  promote: Record<string, never>;
  demote: Record<string, never>;
  startRecording: { recordingId: string };
  stopRecording: Record<string, never>;
  endSession: Record<string, never>;
}

/** Server -> client notifications. */
export interface NotificationMap {
  /** Sent right after the handshake: where this socket stands. */
  welcome: { peerId: string; displayName: string; role: RoomRole; state: EntryState; session: SessionInfo };
  /** The host started the session: a waiting socket moves on (to the lobby or into the room). */
  sessionStarted: { state: Exclude<EntryState, 'waiting'> };
  admitted: Record<string, never>;
  denied: { reason: string };
  peerJoined: { peer: PeerInfo };
  peerLeft: { peerId: string };
  /**
   * Webinar, to viewers instead of peerJoined/peerLeft: who came and went since the last batch
   * (at most one a second per room and API node); `total` counts everyone in the room.
   */
  rosterChanged: { added: PeerInfo[]; removed: string[]; total: number };
  /** Webinar: a host promoted (may publish) or demoted (producers closed) a participant. */
  peerPromoted: { peerId: string; promoted: boolean };
  newProducer: ProducerInfo;
  producerClosed: { peerId: string; producerId: string };
  producerPaused: { peerId: string; producerId: string; source: MediaSource; byHost: boolean };
  producerResumed: { peerId: string; producerId: string; source: MediaSource };
  consumerClosed: { consumerId: string; producerId: string };
  activeSpeaker: { peerId: string | null };
  /** To a publisher: encode simulcast layers 0..spatialLayer of this producer (nobody watches the others). */
  producerLayers: { producerId: string; spatialLayer: number };
  lobbyChanged: { lobby: LobbyEntry[] };
  /** To hosts and co-hosts only: a participant's own report of their connection (sent when it changes). */
  peerQuality: { peerId: string; level: QualityLevel };
  roomLocked: { locked: boolean };
  /** The host muted one of my producers: the UI shows it and the control flips off. */
  mutedByHost: { source: MediaSource };
  removed: { reason: string };
  sessionEnded: { reason: 'ended_by_host' | 'ended' };
  /** The media node hosting the room failed: rebuild transports and republish. */
  reconnectRequired: { reason: string };
  recordingChanged: { recording: boolean; recordingId: string | null };
  /** A fresh room token for reconnects, before the old one expires. */
  tokenRefreshed: { roomToken: string; expiresAt: string };
  /** In-app notification for the signed-in user (notification center). */
  notification: { id: string; type: string; title: string; body: string; urgent: boolean; createdAt: string; link?: string };
}

export type NotificationName = keyof NotificationMap;

/** The client's Socket.IO typings. */
export type ServerToClientEvents = { [K in NotificationName]: (payload: NotificationMap[K]) => void };
export type ClientToServerEvents = {
  [K in RequestName]: (payload: RequestPayload<K>, ack: (res: Ack<ResponseMap[K]>) => void) => void;
};
