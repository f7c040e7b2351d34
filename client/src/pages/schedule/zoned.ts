// Calendar arithmetic in the viewer's zone: day keys, weeks, months, and how to show a
// session's time to the viewer with the session's own zone indicated.
import { browserTimeZone, formatWhen } from '../../time.js';

export const viewerZone = (): string => browserTimeZone();

/** 'YYYY-MM-DD' of an instant in `zone`. */
export function dayKey(iso: string | Date, zone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Plain calendar days (no zone): 'YYYY-MM-DD' <-> day numbers. */
export const keyToNum = (key: string): number => {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
};
export const numToKey = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);
/** 0 = Monday. */
const weekdayOfNum = (n: number): number => (((n + 3) % 7) + 7) % 7;

export function weekDays(anchorKey: string): string[] {
  const n = keyToNum(anchorKey);
  const monday = n - weekdayOfNum(n);
  return Array.from({ length: 7 }, (_, i) => numToKey(monday + i));
}

/** The 6 x 7 grid of days covering the month of `anchorKey`, Monday first. */
export function monthGrid(anchorKey: string): string[] {
  const first = keyToNum(`${anchorKey.slice(0, 7)}-01`);
  const start = first - weekdayOfNum(first);
  return Array.from({ length: 42 }, (_, i) => numToKey(start + i));
}

export function shiftMonth(anchorKey: string, delta: number): string {
  const [y, m] = anchorKey.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + delta;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}-01`;
}

export function timeIn(iso: string, zone: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(iso));
}

/** "Mon 2 Mar, 09:00 CET" in the viewer's zone, plus the session's own wall time and zone when it differs. */
export function whenForViewer(iso: string, sessionZone: string, zone = viewerZone()): { main: string; sessionLocal: string | null } {
  const main = formatWhen(iso, zone);
  if (sessionZone === zone) return { main, sessionLocal: null };
  return { main, sessionLocal: `${timeIn(iso, sessionZone)} ${sessionZone.replaceAll('_', ' ')}` };
}

export function dayLabel(key: string, opts: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' }): string {
  return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: 'UTC' }).format(new Date(`${key}T12:00:00Z`));
}
