// Recurrence: a subset of RFC 5545 RRULE, expanded in the local wall time of an IANA zone.
//
// Supported: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (ordinals like 2TU / -1FR only with
// MONTHLY), BYMONTHDAY (1..31, -31..-1), COUNT, UNTIL (UTC 'Z' date-time, or a DATE meaning
// the end of that local day), WKST. Anything else is rejected with a clear message.
//
// Semantics (checked against python-dateutil's rrule with zoneinfo zones in recurrence.test.ts):
// - Occurrences keep the DTSTART wall-clock time in the zone: 09:00 Europe/Berlin stays 09:00
//   local across DST changes.
// - Days that do not exist are skipped, never moved (BYMONTHDAY=31 in a 30-day month, the 5th
//   Friday of a month with four). They do not count towards COUNT.
// - A wall time inside a DST gap is read with the UTC offset from before the gap, so it shifts
//   forward by the gap length (RFC 5545 3.3.5; zoneinfo fold=0). 02:30 on the spring-forward
//   day in Berlin becomes 03:30 CEST.
// - An ambiguous wall time (fall back) means its first occurrence (the earlier instant, RFC 5545).
// - Like dateutil, DTSTART itself is an occurrence only if it matches the rule; the series
//   begins with the first matching instant at or after DTSTART.
// - Expansion is capped: at most MAX_OCCURRENCES occurrences and MAX_SPAN_DAYS after DTSTART.
import { DateTime } from 'luxon';
import { ValidationError } from '../errors.js';

export const MAX_OCCURRENCES = 366;
export const MAX_SPAN_DAYS = 731;

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY';

export interface ByDay {
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** 1..5 or -1..-5 (MONTHLY only); undefined = every such weekday. */
  ordinal?: number;
}

export interface RRule {
  freq: Frequency;
  interval: number;
  byDay: ByDay[];
  byMonthDay: number[];
  count?: number;
  /** Inclusive end as a UTC instant. */
  until?: Date;
  /** UNTIL given as a DATE: the end of that local day in the series' zone. */
  untilDate?: { year: number; month: number; day: number };
  wkst: number;
}

const fail = (msg: string): never => {
  throw new ValidationError(`recurrence: ${msg}`);
};

function parseInteger(name: string, v: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(v)) fail(`${name} must be an integer`);
  const n = Number(v);
  if (n < min || n > max) fail(`${name} must be between ${min} and ${max}`);
  return n;
}

function weekdayIndex(code: string): number {
  const i = WEEKDAYS.indexOf(code as Weekday);
  if (i < 0) fail(`unknown weekday ${code}`);
  return i;
}

/** Parses 'RRULE:FREQ=...;...' (the 'RRULE:' prefix is optional). Throws ValidationError. */
export function parseRRule(text: string): RRule {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (!body || body.length > 500) fail('empty or too long');
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const m = /^([A-Z]+)=([^=;]+)$/i.exec(part.trim());
    if (!m) fail(`cannot read "${part}"`);
    const key = m![1]!.toUpperCase();
    if (parts.has(key)) fail(`${key} given twice`);
    parts.set(key, m![2]!.toUpperCase());
  }
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL', 'WKST']);
  for (const key of parts.keys()) if (!known.has(key)) fail(`${key} is not supported`);
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY') return fail('FREQ must be DAILY, WEEKLY or MONTHLY');
  const rule: RRule = { freq, interval: 1, byDay: [], byMonthDay: [], wkst: 0 };
  const interval = parts.get('INTERVAL');
  if (interval !== undefined) rule.interval = parseInteger('INTERVAL', interval, 1, 366);
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined) {
    for (const item of byDay.split(',')) {
      const m = /^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
      if (!m) return fail(`BYDAY item "${item}" is not a weekday like MO or 2TU`);
      const entry: ByDay = { weekday: weekdayIndex(m[2]!) };
      if (m[1] !== undefined) {
        if (freq !== 'MONTHLY') fail('BYDAY ordinals (like 2TU) need FREQ=MONTHLY');
        const n = Number(m[1]);
        if (n === 0 || n < -5 || n > 5) fail('BYDAY ordinal must be 1..5 or -1..-5');
        entry.ordinal = n;
      }
      rule.byDay.push(entry);
    }
  }
  const byMonthDay = parts.get('BYMONTHDAY');
  if (byMonthDay !== undefined) {
    if (freq === 'WEEKLY') fail('BYMONTHDAY cannot be used with FREQ=WEEKLY');
    for (const item of byMonthDay.split(',')) {
      const n = parseInteger('BYMONTHDAY', item, -31, 31);
      if (n === 0) fail('BYMONTHDAY cannot be 0');
      rule.byMonthDay.push(n);
    }
  }
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count !== undefined && until !== undefined) fail('COUNT and UNTIL cannot both be given');
  if (count !== undefined) rule.count = parseInteger('COUNT', count, 1, MAX_OCCURRENCES);
  if (until !== undefined) {
    const dt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(until);
    const d = /^(\d{4})(\d{2})(\d{2})$/.exec(until);
    if (dt) {
      const [y, mo, da, h, mi, s] = dt.slice(1).map(Number) as [number, number, number, number, number, number];
      rule.until = new Date(Date.UTC(y, mo - 1, da, h, mi, s));
      if (rule.until.getUTCDate() !== da || rule.until.getUTCMonth() !== mo - 1) fail('UNTIL is not a valid date');
    } else if (d) {
      const [y, mo, da] = d.slice(1).map(Number) as [number, number, number];
      if (new Date(Date.UTC(y, mo - 1, da)).getUTCDate() !== da) fail('UNTIL is not a valid date');
      rule.untilDate = { year: y, month: mo, day: da };
    } else {
      fail('UNTIL must look like 20261231T235959Z or 20261231');
    }
  }
  const wkst = parts.get('WKST');
  if (wkst !== undefined) rule.wkst = weekdayIndex(wkst);
  return rule;
}

/** Back to text, in a canonical order ('RRULE:FREQ=...'). */
export function formatRRule(rule: RRule): string {
  const out = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) out.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length) out.push(`BYDAY=${rule.byDay.map((b) => `${b.ordinal ?? ''}${WEEKDAYS[b.weekday]}`).join(',')}`);
  if (rule.byMonthDay.length) out.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.count !== undefined) out.push(`COUNT=${rule.count}`);
  if (rule.until) out.push(`UNTIL=${rule.until.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
  if (rule.untilDate) {
    const { year, month, day } = rule.untilDate;
    out.push(`UNTIL=${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`);
  }
  if (rule.wkst !== 0) out.push(`WKST=${WEEKDAYS[rule.wkst]}`);
  return `RRULE:${out.join(';')}`;
}

// ---- local calendar arithmetic on plain day numbers (days since 1970-01-01, proleptic) ----

const dayNumber = (y: number, m: number, d: number): number => Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
function fromDayNumber(n: number): { year: number; month: number; day: number } {
  const dt = new Date(n * 86_400_000);
  return { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate() };
}
/** 0 = Monday. */
const weekdayOf = (n: number): number => (((n + 3) % 7) + 7) % 7;
const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

function offsetMinutes(ms: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).offset;
}

/**
 * A local wall time in `zone` to a UTC instant: ambiguous times take the first (earlier)
 * instant; times inside a gap use the offset before the gap (so they move forward).
 */
export function localToUtc(
  t: { year: number; month: number; day: number; hour: number; minute: number; second?: number },
  zone: string,
): Date {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second ?? 0);
  const before = offsetMinutes(wall - 86_400_000, zone);
  const after = offsetMinutes(wall + 86_400_000, zone);
  const valid = [...new Set([before, after])]
    .map((o) => wall - o * 60_000)
    .filter((ms) => offsetMinutes(ms, zone) * 60_000 === wall - ms);
  if (valid.length) return new Date(Math.min(...valid));
  return new Date(wall - before * 60_000);
}

export interface ExpandOptions {
  /** First occurrence candidate (an instant); its wall time in `zone` is the series' time of day. */
  dtstart: Date;
  zone: string;
  rule: RRule;
  maxOccurrences?: number;
  maxSpanDays?: number;
}

/** All occurrences as UTC instants, in order. */
export function expand(opts: ExpandOptions): Date[] {
  const { rule, zone } = opts;
  const max = Math.min(opts.maxOccurrences ?? MAX_OCCURRENCES, rule.count ?? Infinity);
  const local = DateTime.fromJSDate(opts.dtstart, { zone });
  if (!local.isValid) fail(`unknown time zone ${zone}`);
  const time = { hour: local.hour, minute: local.minute, second: local.second };
  const startDay = dayNumber(local.year, local.month, local.day);
  const lastDay = startDay + (opts.maxSpanDays ?? MAX_SPAN_DAYS);
  const startWall = startDay * 86_400_000 + (time.hour * 3600 + time.minute * 60 + time.second) * 1000;
  const untilDay = rule.untilDate ? dayNumber(rule.untilDate.year, rule.untilDate.month, rule.untilDate.day) : undefined;
  const out: Date[] = [];

  const matchesFilters = (n: number): boolean => {
    const { year, month, day } = fromDayNumber(n);
    if (rule.byMonthDay.length) {
      const dim = daysInMonth(year, month);
      if (!rule.byMonthDay.some((v) => (v > 0 ? v : dim + v + 1) === day)) return false;
    }
    if (rule.byDay.length && rule.freq !== 'MONTHLY') {
      if (!rule.byDay.some((b) => b.weekday === weekdayOf(n))) return false;
    }
    return true;
  };

  /** Candidate days of one period, sorted; returns false once past the horizon. */
  const periodDays = (p: number): number[] | null => {
    switch (rule.freq) {
      case 'DAILY': {
        const n = startDay + p * rule.interval;
        return n > lastDay ? null : [n];
      }
      case 'WEEKLY': {
        const weekStart = startDay - ((weekdayOf(startDay) - rule.wkst + 7) % 7) + p * 7 * rule.interval;
        if (weekStart > lastDay) return null;
        const wanted = rule.byDay.length ? rule.byDay.map((b) => b.weekday) : [weekdayOf(startDay)];
        return Array.from({ length: 7 }, (_, i) => weekStart + i).filter((n) => wanted.includes(weekdayOf(n)));
      }
      case 'MONTHLY': {
        const s = fromDayNumber(startDay);
        const idx = s.year * 12 + (s.month - 1) + p * rule.interval;
        const year = Math.floor(idx / 12);
        const month = (idx % 12) + 1;
        const first = dayNumber(year, month, 1);
        if (first > lastDay) return null;
        const dim = daysInMonth(year, month);
        const days = new Set<number>();
        if (rule.byDay.length) {
          for (const b of rule.byDay) {
            const all = Array.from({ length: dim }, (_, i) => first + i).filter((n) => weekdayOf(n) === b.weekday);
            if (b.ordinal === undefined) all.forEach((n) => days.add(n));
            else {
              const pick = b.ordinal > 0 ? all[b.ordinal - 1] : all[all.length + b.ordinal];
              if (pick !== undefined) days.add(pick);
            }
          }
        } else if (!rule.byMonthDay.length) {
          if (s.day <= dim) days.add(first + s.day - 1);
        } else {
          for (let i = 0; i < dim; i++) days.add(first + i);
        }
        return [...days].sort((a, b) => a - b);
      }
      default:
        return fail('unsupported frequency');
    }
  };

  for (let p = 0; out.length < max; p++) {
    const days = periodDays(p);
    if (days === null) break;
    for (const n of days) {
      if (out.length >= max) break;
      if (n > lastDay) return out;
      if (!matchesFilters(n)) continue;
      const wall = n * 86_400_000 + (time.hour * 3600 + time.minute * 60 + time.second) * 1000;
      if (wall < startWall) continue;
      if (untilDay !== undefined && n > untilDay) return out;
      const { year, month, day } = fromDayNumber(n);
      const at = localToUtc({ year, month, day, ...time }, zone);
      if (rule.until && at.getTime() > rule.until.getTime()) return out;
      out.push(at);
    }
  }
  return out;
}

/** Parses and expands in one go; a rule that yields nothing is a validation error. */
export function expandRRule(text: string, dtstart: Date, zone: string): { rule: RRule; occurrences: Date[] } {
  const rule = parseRRule(text);
  const occurrences = expand({ dtstart, zone, rule });
  if (!occurrences.length) fail('the rule yields no occurrences');
  return { rule, occurrences };
}
