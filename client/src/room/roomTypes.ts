// What the room UI renders: an immutable snapshot rebuilt by RoomClient on every change.
import type { LobbyEntry, MediaSource, QualityLevel, RoomRole, SessionInfo } from '@lectern/server/protocol';

export type RoomPhase =
  | 'connecting' // socket handshake
  | 'waiting' // for the host to start the session
  | 'lobby' // waiting for the host to let us in
  | 'joining' // loading the device, creating transports
  | 'joined'
  | 'left'
  | 'ended'
  | 'removed'
  | 'denied'
  | 'error';

export interface RemoteVideo {
  consumerId: string;
  track: MediaStreamTrack;
  /** 'simulcast' consumers take preferred layers. */
  type: string;
  paused: boolean;
}

export interface PeerView {
  peerId: string;
  displayName: string;
  role: RoomRole;
  /** Webinar: a viewer the hosts let publish. */
  promoted: boolean;
  isSelf: boolean;
  /** A microphone producer exists and is not paused. */
  micOn: boolean;
  camera: RemoteVideo | null;
  screen: RemoteVideo | null;
  audio: { consumerId: string; track: MediaStreamTrack } | null;
  /** How what we receive from them fares (loss, RTT, frame rate, freezes); null until measured. */
  quality: QualityLevel | null;
  /** What they reported of their own connection; hosts hear of it, others see null. */
  reportedQuality: QualityLevel | null;
}

export interface LocalView {
  micOn: boolean;
  cameraOn: boolean;
  screenOn: boolean;
  cameraTrack: MediaStreamTrack | null;
  screenTrack: MediaStreamTrack | null;
  /** The browser can share a screen at all. */
  canShareScreen: boolean;
}

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'warn';
}

export interface RoomSnapshot {
  phase: RoomPhase;
  /** The socket is down and being re-established (or media is being rebuilt). */
  reconnecting: boolean;
  peerId: string | null;
  displayName: string;
  role: RoomRole | null;
  isHost: boolean;
  session: SessionInfo | null;
  /** The session is a webinar: only hosts and presenters publish. */
  webinar: boolean;
  /** We may send microphone, camera and screen (false: a webinar viewer). */
  canPublish: boolean;
  /** Everyone in the room, us included (in a webinar `peers` is the stage only). */
  peopleCount: number;
  /** Everyone else in the room, in join order (a webinar viewer: the stage only). */
  peers: PeerView[];
  lobby: LobbyEntry[];
  activeSpeaker: string | null;
  local: LocalView;
  notices: Notice[];
  /** Our own connection (what we send, and our downlink as a whole); null until measured. */
  ownQuality: QualityLevel | null;
  /** For 'error', 'denied', 'removed': what to tell the user. */
  message: string | null;
}

export const isHostRole = (role: RoomRole | null): boolean => role === 'host' || role === 'cohost';

export type { LobbyEntry, MediaSource, QualityLevel, RoomRole, SessionInfo };
