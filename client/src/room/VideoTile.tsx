import { useEffect, useRef } from 'preact/hooks';
import { Icon } from '../components/icons.js';
import { spatialLayerForWidth } from './layers.js';
import type { QualityLevel } from './quality.js';
import { QualityIndicator } from './QualityIndicator.js';
import { useAttachedTrack } from './useAttachedTrack.js';
import { initials } from '../components/people.js';

interface VideoTileProps {
  name: string;
  peerId: string;
  source: 'webcam' | 'screen';
  track: MediaStreamTrack | null;
  /** Remote consumer whose simulcast layer follows the rendered size. */
  consumerId?: string | undefined;
  onLayer?: ((consumerId: string, layer: number) => void) | undefined;
  micOn?: boolean | undefined;
  speaking?: boolean | undefined;
  isSelf?: boolean | undefined;
  /** The producer is paused (camera stopped by host or publisher). */
  paused?: boolean | undefined;
  role?: string | undefined;
  /** How the connection fares: what we receive from them, or our own for our tile. */
  quality?: QualityLevel | null | undefined;
}

/** One participant's camera (or a screen share), name, mute state and speaking highlight. */
export function VideoTile({ name, peerId, source, track, consumerId, onLayer, micOn, speaking, isSelf, paused, role, quality }: VideoTileProps) {
  const video = useRef<HTMLVideoElement>(null);
  useAttachedTrack(video, track);
  const showVideo = Boolean(track) && !paused;

  // Ask for the simulcast layer that fits the rendered width.
  useEffect(() => {
    const el = video.current;
    if (!el || !consumerId || !onLayer || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const width = entries[0]?.contentRect.width ?? el.clientWidth;
      if (width > 0) onLayer(consumerId, spatialLayerForWidth(width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [consumerId, onLayer]);

  const label = source === 'screen' ? `${name} — screen` : isSelf ? `${name} (you)` : name;
  return (
    <figure
      class={`tile ${source === 'screen' ? 'tile-screen' : ''} ${speaking ? 'is-speaking' : ''} ${showVideo ? '' : 'no-video'}`}
      data-peer-id={peerId}
      data-source={source}
    >
      <video
        ref={video}
        class={isSelf && source === 'webcam' ? 'mirror' : undefined}
        autoplay
        playsInline
        muted
        hidden={!showVideo}
        data-peer-id={peerId}
        data-source={source}
      />
      {!showVideo && (
        <div class="avatar" aria-hidden="true">
          {initials(name) || '?'}
        </div>
      )}
      <figcaption class="tile-caption">
        {source === 'webcam' && micOn === false && (
          <span class="tile-muted" role="img" aria-label="Microphone off">
            <Icon name="micOff" size={16} />
          </span>
        )}
        <span class="tile-name">{label}</span>
        {role && (role === 'host' || role === 'cohost') && <span class="tile-role">{role === 'host' ? 'Host' : 'Co-host'}</span>}
        {speaking && <span class="visually-hidden">(speaking)</span>}
        {quality && <QualityIndicator level={quality} />}
      </figcaption>
    </figure>
  );
}
