import { useEffect, useRef } from 'preact/hooks';

/** A small live input-level bar for a microphone track (decorative; the toggle carries state). */
export function MicLevel({ track }: { track: MediaStreamTrack | null }) {
  const bar = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!track || typeof AudioContext === 'undefined') return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    let raf = 0;
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
      const level = track.enabled ? Math.min(1, peak / 64) : 0;
      if (bar.current) bar.current.style.transform = `scaleX(${level.toFixed(3)})`;
      raf = requestAnimationFrame(tick);
    };
    const resume = () => void ctx.resume();
    void ctx.resume().catch(() => undefined);
    document.addEventListener('pointerdown', resume, { once: true });
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      document.removeEventListener('pointerdown', resume);
      source.disconnect();
      void ctx.close();
    };
  }, [track]);
  return (
    <span class="mic-level" aria-hidden="true">
      <span ref={bar} class="mic-level-bar" />
    </span>
  );
}
