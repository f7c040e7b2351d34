import type { QualityLevel } from '@lectern/server/protocol';
import { QUALITY_TEXT } from './quality.js';

const BARS: Record<QualityLevel, number> = { good: 3, fair: 2, poor: 1 };

/** Signal bars for a connection's quality; the level is in words too (aria-label, title), never color alone. */
export function QualityIndicator({ level }: { level: QualityLevel }) {
  const text = QUALITY_TEXT[level];
  return (
    <span class={`quality quality-${level}`} role="img" aria-label={text} title={text} data-quality={level}>
      {[1, 2, 3].map((n) => (
        <span key={n} class={`quality-bar ${n <= BARS[level] ? 'on' : ''}`} style={{ height: `${n * 4 + 2}px` }} />
      ))}
    </span>
  );
}

/** Our own connection suffers: said once, politely, and gone when it recovers. */
export function UnstableBanner({ level }: { level: QualityLevel | null }) {
  if (level === null || level === 'good') return null;
  return (
    <div class="banner banner-warn connection-banner" role="status" data-quality={level}>
      Your connection is unstable{level === 'poor' ? ': others may not see or hear you well.' : '.'}
    </div>
  );
}
