// Free slots of a host: weekly rules and date overrides in the host's IANA zone, expanded
// to UTC instants, minus what is busy, within minimum notice, horizon and a daily cap.
//
// Semantics (checked against Python's zoneinfo in slots.test.ts):
// - Rules are wall-clock windows: a 09:00 slot stays 09:00 local on both sides of a DST change.
// - Slots start every `slotMinutes` from the window's start; a slot fits when its wall-clock
//   start plus its length is not after the window's end.
// - A wall-clock start inside a DST gap does not exist: that slot is not offered.
// - An ambiguous wall-clock start (the repeated hour when clocks fall back) means its first
//   occurrence, the earlier instant. A slot lasts `slotMinutes` of real time.
// - A slot is busy when [start, end + its buffer) meets a busy range. Bookings are busy over
//   [start, end + their buffer); the host's other sessions over [start, end).
// - An 'off' override removes the weekly rules of that local date; 'extra' adds a window.
import { DateTime } from 'luxon';
import { localToUtc } from '../scheduling/recurrence.js';

/** The guard granularity: slot times, lengths and buffers are multiples of it. */
export const GRANULE_MINUTES = 5;
const MINUTE = 60_000;

export interface Window {
  /** 'HH:MM' local; end may be '24:00'. */
  start: string;
  end: string;
  slotMinutes: number;
  bufferMinutes: number;
  priceCents: number;
  currency: string;
}

export interface WeeklyRule extends Window {
  /** 0 = Sunday ... 6 = Saturday. */
  dayOfWeek: number;
  active: boolean;
}

export type DateOverride = { date: string; kind: 'off' } | ({ date: string; kind: 'extra' } & Window);

export interface Slot {
  start: Date;
  end: Date;
  bufferMinutes: number;
  priceCents: number;
  currency: string;
}

export interface Busy {
  start: Date;
  end: Date;
}

export interface Availability {
  zone: string;
  rules: readonly WeeklyRule[];
  overrides: readonly DateOverride[];
}

export interface SlotQuery extends Availability {
  from: Date;
  to: Date;
  now: Date;
  minNoticeMinutes: number;
  horizonDays: number;
  dailyCap?: number | null | undefined;
  busy: readonly Busy[];
  /** Live bookings per local date ('YYYY-MM-DD' in the host's zone), for the daily cap. */
  bookedPerDay?: ReadonlyMap<string, number>;
}

export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** The instant of a local wall time, or undefined when it falls in a DST gap. Ambiguous: the earlier instant. */
export function wallToInstant(date: string, minuteOfDay: number, zone: string): Date | undefined {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  // localToUtc takes the earliest valid instant, or shifts a gap time forward; a shifted
  // result reads back as another wall time, which is how a gap is recognised.
  const at = localToUtc({ year, month, day, hour, minute }, zone);
  const back = DateTime.fromJSDate(at, { zone });
  const wall = DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).plus({ minutes: minuteOfDay });
  if (back.year !== wall.year || back.month !== wall.month || back.day !== wall.day || back.hour !== wall.hour || back.minute !== wall.minute) return undefined;
  return at;
}

/** The local date 'YYYY-MM-DD' of an instant in a zone. */
export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/**
 * The zone's UTC offset (minutes) for the whole of a local date when it has no transition
 * near it, else undefined. Local midnight lies within [wall - 14 h, wall + 12 h] (offsets
 * span -12 h..+14 h), so equal offsets at both ends of that widened day mean none.
 */
function steadyOffset(date: string, zone: string): number | undefined {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const a = DateTime.fromMillis(wall - 14 * 3600_000, { zone }).offset;
  const b = DateTime.fromMillis(wall + 36 * 3600_000, { zone }).offset;
  return a === b ? a : undefined;
}

function windowSlots(date: string, w: Window, zone: string, out: Slot[]): void {
  const startMin = minutesOf(w.start);
  const endMin = minutesOf(w.end);
  const steady = steadyOffset(date, zone);
  const midnight = Date.parse(`${date}T00:00:00Z`);
  for (let t = startMin; t + w.slotMinutes <= endMin; t += w.slotMinutes) {
    // Fast path on days without a transition; the exact reading (gaps, overlaps) otherwise.
    const start = steady !== undefined ? new Date(midnight + (t - steady) * MINUTE) : wallToInstant(date, t, zone);
    if (!start) continue;
    out.push({ start, end: new Date(start.getTime() + w.slotMinutes * MINUTE), bufferMinutes: w.bufferMinutes, priceCents: w.priceCents, currency: w.currency });
  }
}

/** Every slot the rules and overrides give for local dates whose slots may start in [from, to). */
export function candidateSlots(a: Availability, from: Date, to: Date): Slot[] {
  const out: Slot[] = [];
  const byDate = new Map<string, DateOverride[]>();
  for (const o of a.overrides) byDate.set(o.date, [...(byDate.get(o.date) ?? []), o]);
  // A local date's slots may start up to a day before or after it in UTC terms.
  let d = DateTime.fromJSDate(from, { zone: a.zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: a.zone }).startOf('day').plus({ days: 1 });
  while (d <= last) {
    const date = d.toISODate()!;
    const overrides = byDate.get(date) ?? [];
    const dow = d.weekday % 7; // luxon: 1 = Monday ... 7 = Sunday
    if (!overrides.some((o) => o.kind === 'off')) {
      for (const r of a.rules) if (r.active && r.dayOfWeek === dow) windowSlots(date, r, a.zone, out);
    }
    for (const o of overrides) if (o.kind === 'extra') windowSlots(date, o, a.zone, out);
    d = d.plus({ days: 1 }).startOf('day');
  }
  // Overlapping windows may offer one start twice: the first window (rules, then extras) wins.
  const seen = new Set<number>();
  const unique: Slot[] = [];
  for (const s of out) {
    if (s.start < from || s.start >= to || seen.has(s.start.getTime())) continue;
    seen.add(s.start.getTime());
    unique.push(s);
  }
  return unique.sort((x, y) => x.start.getTime() - y.start.getTime());
}

const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;

/** The free slots in [from, to): candidates minus notice, horizon, busy ranges and full days. */
export function freeSlots(q: SlotQuery): Slot[] {
  const earliest = q.now.getTime() + q.minNoticeMinutes * MINUTE;
  const latest = q.now.getTime() + q.horizonDays * 86_400_000;
  return candidateSlots(q, q.from, q.to).filter((s) => {
    const t = s.start.getTime();
    if (t < earliest || t > latest) return false;
    const end = s.end.getTime() + s.bufferMinutes * MINUTE;
    if (q.busy.some((b) => overlaps(t, end, b.start.getTime(), b.end.getTime()))) return false;
    if (q.dailyCap != null && (q.bookedPerDay?.get(localDate(s.start, q.zone)) ?? 0) >= q.dailyCap) return false;
    return true;
  });
}

/** The guard granules a booking holds: every GRANULE_MINUTES step that [start, end + buffer) touches. */
export function granulesOf(start: Date, end: Date, bufferMinutes: number): Date[] {
  const step = GRANULE_MINUTES * MINUTE;
  const first = Math.floor(start.getTime() / step);
  const stop = Math.ceil((end.getTime() + bufferMinutes * MINUTE) / step);
  const out: Date[] = [];
  for (let g = first; g < stop; g++) out.push(new Date(g * step));
  return out;
}
