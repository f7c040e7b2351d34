// Builds the immutable RoomSnapshot the UI renders from the room's parts.
import type { LobbyEntry, MediaSource, QualityLevel, RoomRole, SessionInfo } from '@lectern/server/protocol';
import type { LocalMedia } from './LocalMedia.js';
import type { RemoteConsumer } from './RoomMedia.js';
import type { RemotePeer } from './roster.js';
import { isHostRole, type Notice, type PeerView, type RemoteVideo, type RoomPhase, type RoomSnapshot } from './roomTypes.js';

export interface SnapshotInput {
  phase: RoomPhase;
  reconnecting: boolean;
  peerId: string | null;
  displayName: string;
  role: RoomRole | null;
  session: SessionInfo | null;
  canPublish: boolean;
  /** Everyone else, as the server counted (webinar) — otherwise the peers are everyone. */
  rosterTotal: number;
  peers: RemotePeer[];
  consumers: RemoteConsumer[];
  lobby: readonly LobbyEntry[];
  activeSpeaker: string | null;
  local: LocalMedia;
  notices: readonly Notice[];
  message: string | null;
  quality: {
    peer(peerId: string): QualityLevel | null;
    reported(peerId: string): QualityLevel | null;
    readonly own: QualityLevel | null;
  };
}

function peerView(peer: RemotePeer, consumers: RemoteConsumer[], quality: SnapshotInput['quality']): PeerView {
  const video = (source: MediaSource): RemoteVideo | null => {
    const rc = consumers.find((c) => c.source === source && c.kind === 'video');
    if (!rc) return null;
    return {
      consumerId: rc.consumer.id,
      track: rc.consumer.track,
      type: rc.type,
      paused: peer.producers.get(rc.producerId)?.paused ?? false,
    };
  };
  const audio = consumers.find((c) => c.kind === 'audio');
  const micProducer = [...peer.producers.values()].find((p) => p.source === 'mic');
  return {
    peerId: peer.peerId,
    displayName: peer.displayName,
    role: peer.role,
    promoted: peer.promoted,
    isSelf: false,
    micOn: Boolean(micProducer && !micProducer.paused),
    camera: video('webcam'),
    screen: video('screen'),
    audio: audio ? { consumerId: audio.consumer.id, track: audio.consumer.track } : null,
    quality: quality.peer(peer.peerId),
    reportedQuality: quality.reported(peer.peerId),
  };
}

export function buildSnapshot(input: SnapshotInput): RoomSnapshot {
  const byPeer = new Map<string, RemoteConsumer[]>();
  for (const rc of input.consumers) {
    const list = byPeer.get(rc.peerId) ?? [];
    list.push(rc);
    byPeer.set(rc.peerId, list);
  }
  const { local } = input;
  return {
    phase: input.phase,
    reconnecting: input.reconnecting,
    peerId: input.peerId,
    displayName: input.displayName,
    role: input.role,
    isHost: isHostRole(input.role),
    session: input.session,
    webinar: input.session?.webinarMode === true,
    canPublish: input.canPublish,
    peopleCount: 1 + (input.session?.webinarMode ? Math.max(input.rosterTotal, input.peers.length) : input.peers.length),
    peers: input.peers.map((peer) => peerView(peer, byPeer.get(peer.peerId) ?? [], input.quality)),
    lobby: [...input.lobby],
    activeSpeaker: input.activeSpeaker,
    local: {
      micOn: local.isOn('mic'),
      cameraOn: local.isOn('webcam'),
      screenOn: local.isOn('screen'),
      cameraTrack: local.isOn('webcam') ? local.track('webcam') : null,
      screenTrack: local.track('screen'),
      canShareScreen: typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function',
    },
    notices: [...input.notices],
    ownQuality: input.quality.own,
    message: input.message,
  };
}
