// The signaling protocol between the browser and the Socket.IO gateway (namespace
// `/rtc`). Every request payload is validated on arrival against the schema that also
// gives its TypeScript type; requests are answered with an acknowledgement `Ack<T>`.
// Requests are imperatives, notifications are past tense. Imported by the client.
import { z } from 'zod';

export const RTC_NAMESPACE = '/rtc';
/** Largest accepted socket message, bytes (SDP-derived RTP parameters fit easily). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'not_joined'
  | 'in_lobby'
  | 'room_full'
  | 'room_locked'
  | 'session_ended'
  | 'sfu_error'
  | 'internal';

/** `code` is one of ErrorCode, or a code from the SFU or a domain error. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

// Media parameters come from mediasoup-client/mediasoup; they are checked for shape
// and size here and validated in depth by mediasoup itself.
const Json = z.record(z.string(), z.unknown());
const Id = z.string().min(1).max(64);
export const MediaSource = z.enum(['mic', 'webcam', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;
export const RoomRole = z.enum(['host', 'cohost', 'participant', 'guest']);
export type RoomRole = z.infer<typeof RoomRole>;

export const requestSchemas = {
  getRouterRtpCapabilities: z.object({}).strict(),
  join: z.object({ rtpCapabilities: Json }).strict(),
  createTransport: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  connectTransport: z.object({ transportId: Id, dtlsParameters: Json }).strict(),
  restartIce: z.object({ transportId: Id }).strict(),
  produce: z
    .object({ transportId: Id, kind: z.enum(['audio', 'video']), rtpParameters: Json, source: MediaSource })
    .strict(),
  closeProducer: z.object({ producerId: Id }).strict(),
  pauseProducer: z.object({ producerId: Id }).strict(),
  resumeProducer: z.object({ producerId: Id }).strict(),
  consume: z.object({ transportId: Id, producerId: Id }).strict(),
  resumeConsumer: z.object({ consumerId: Id }).strict(),
  setPreferredLayers: z
    .object({ consumerId: Id, spatialLayer: z.number().int().min(0).max(2), temporalLayer: z.number().int().min(0).max(2).optional() })
    .strict(),
  leave: z.object({}).strict(),
  // Teacher controls (host, co-host, admin).
  admit: z.object({ peerId: Id }).strict(),
  deny: z.object({ peerId: Id }).strict(),
  mutePeer: z.object({ peerId: Id.optional(), source: z.enum(['mic', 'webcam', 'all']).default('mic') }).strict(),
  removePeer: z.object({ peerId: Id }).strict(),
  lockRoom: z.object({ locked: z.boolean() }).strict(),
  startRecording: z.object({}).strict(),
  stopRecording: z.object({}).strict(),
  endSession: z.object({}).strict(),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestPayload<N extends RequestName> = z.input<(typeof requestSchemas)[N]>;
export type ParsedRequest<N extends RequestName> = z.output<(typeof requestSchemas)[N]>;

export interface PeerInfo {
  peerId: string;
  displayName: string;
  role: RoomRole;
  producers: ProducerInfo[];
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
}

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
  join: { self: PeerInfo; session: SessionInfo; peers: PeerInfo[]; lobby: LobbyEntry[] };
  createTransport: TransportParams;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: unknown };
  produce: { id: string };
  closeProducer: Record<string, never>;
  pauseProducer: Record<string, never>;
  resumeProducer: Record<string, never>;
  consume: ConsumerParams;
  resumeConsumer: Record<string, never>;
  setPreferredLayers: Record<string, never>;
  leave: Record<string, never>;
  admit: Record<string, never>;
  deny: Record<string, never>;
  mutePeer: Record<string, never>;
  removePeer: Record<string, never>;
  lockRoom: Record<string, never>;
  startRecording: { recordingId: string };
  stopRecording: Record<string, never>;
  endSession: Record<string, never>;
}

/** Server -> client notifications. */
export interface NotificationMap {
  /** Sent right after the handshake: where this socket stands. */
  welcome: { peerId: string; displayName: string; role: RoomRole; state: 'lobby' | 'ready'; session: SessionInfo };
  admitted: Record<string, never>;
  denied: { reason: string };
  peerJoined: { peer: PeerInfo };
  peerLeft: { peerId: string };
  newProducer: ProducerInfo;
  producerClosed: { peerId: string; producerId: string };
  producerPaused: { peerId: string; producerId: string; source: MediaSource; byHost: boolean };
  producerResumed: { peerId: string; producerId: string; source: MediaSource };
  consumerClosed: { consumerId: string; producerId: string };
  activeSpeaker: { peerId: string | null };
  lobbyChanged: { lobby: LobbyEntry[] };
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
