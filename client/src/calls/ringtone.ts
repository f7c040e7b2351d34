// A ring tone made with WebAudio (no audio file), and the page title flashing while a call
// rings. The mute preference is kept in localStorage.
const MUTE_KEY = 'lectern.ringMuted';

export const isRingMuted = (): boolean => {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
};

export function setRingMuted(muted: boolean): void {
  try {
    localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}

/** Starts ringing (two-tone bursts every 2 s); returns the stop function. */
export function ring(): () => void {
  const Ctx = window.AudioContext as typeof AudioContext | undefined;
  if (!Ctx) return () => undefined;
  const ctx = new Ctx();
  const burst = () => {
    const t0 = ctx.currentTime;
    for (const f of [440, 480]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0, t0);
      gain.gain.linearRampToValueAtTime(0.08, t0 + 0.05);
      gain.gain.setValueAtTime(0.08, t0 + 0.9);
      gain.gain.linearRampToValueAtTime(0, t0 + 1);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 1.05);
    }
  };
  burst();
  const timer = setInterval(burst, 2000);
  return () => {
    clearInterval(timer);
    void ctx.close().catch(() => undefined);
  };
}

/** Alternates the document title with `text` until stopped. */
export function flashTitle(text: string): () => void {
  const original = document.title;
  let on = false;
  const timer = setInterval(() => {
    on = !on;
    document.title = on ? text : original;
  }, 1000);
  document.title = text;
  return () => {
    clearInterval(timer);
    document.title = original;
  };
}
