import { useRef } from 'preact/hooks';
import { useAttachedTrack } from './useAttachedTrack.js';

/** Plays one remote microphone. Hidden; the tiles show who is talking. */
export function RemoteAudio({ track, peerId, onBlocked }: { track: MediaStreamTrack; peerId: string; onBlocked: () => void }) {
  const ref = useRef<HTMLAudioElement>(null);
  useAttachedTrack(ref, track, onBlocked);
  return <audio ref={ref} class="remote-audio" data-peer-id={peerId} autoplay />;
}
