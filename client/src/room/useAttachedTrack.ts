import { useEffect, type MutableRef } from 'preact/hooks';

/** Plays `track` in a <video>/<audio> element; `onBlocked` hears about autoplay refusals. */
export function useAttachedTrack(
  ref: MutableRef<HTMLMediaElement | null>,
  track: MediaStreamTrack | null,
  onBlocked?: () => void,
): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!track) {
      el.srcObject = null;
      return;
    }
    el.srcObject = new MediaStream([track]);
    el.play().catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'NotAllowedError') onBlocked?.();
    });
    return () => {
      el.srcObject = null;
    };
    // onBlocked is a notification hook; re-attaching for a new callback identity is not wanted.
  }, [ref, track]);
}
