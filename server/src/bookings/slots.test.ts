// Slot expansion compared with an independent implementation: Python's zoneinfo, run as a
// child process, for weekly rules in several zones over a whole year (both DST changes).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { candidateSlots, freeSlots, granulesOf, wallToInstant, type DateOverride, type WeeklyRule } from './slots.js';

interface Case {
  zone: string;
  from: string;
  to: string;
  rules: WeeklyRule[];
  overrides: DateOverride[];
}

// Independent reading of the semantics: for each local date, windows of the weekday (unless
// the date is off) plus extra windows; a wall time exists when it survives a round trip
// through UTC (fold=0, the first occurrence when ambiguous).
const PY = `
import json, sys
from datetime import datetime, date, timedelta, timezone
from zoneinfo import ZoneInfo
out = []
for c in json.load(sys.stdin):
    z = ZoneInfo(c['zone'])
    lo = datetime.fromisoformat(c['from'].replace('Z', '+00:00'))
    hi = datetime.fromisoformat(c['to'].replace('Z', '+00:00'))
    d = lo.astimezone(z).date() - timedelta(days=1)
    last = hi.astimezone(z).date() + timedelta(days=1)
    res = {}
    def window(day, w):
        h0, m0 = map(int, w['start'].split(':')); h1, m1 = map(int, w['end'].split(':'))
        t, end = h0 * 60 + m0, h1 * 60 + m1
        while t + w['slotMinutes'] <= end:
            wall = datetime(day.year, day.month, day.day) + timedelta(minutes=t)
            local = wall.replace(tzinfo=z, fold=0)
            utc = local.astimezone(timezone.utc)
            if utc.astimezone(z).replace(tzinfo=None) == wall:
                key = utc.strftime('%Y-%m-%dT%H:%M:%S.000Z')
                if lo <= utc < hi and key not in res:
                    res[key] = (utc + timedelta(minutes=w['slotMinutes'])).strftime('%Y-%m-%dT%H:%M:%S.000Z')
            t += w['slotMinutes']
    while d <= last:
        iso = d.isoformat()
        ovs = [o for o in c['overrides'] if o['date'] == iso]
        if not any(o['kind'] == 'off' for o in ovs):
            for r in c['rules']:
                if r['active'] and r['dayOfWeek'] == (d.weekday() + 1) % 7:
                    window(d, r)
        for o in ovs:
            if o['kind'] == 'extra':
                window(d, o)
        d += timedelta(days=1)
    out.append(sorted([[k, v] for k, v in res.items()]))
print(json.dumps(out))
`;

function oracle(cases: Case[]): [string, string][][] {
  const out = execFileSync('/usr/bin/python3', ['-c', PY], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as [string, string][][];
}

const rule = (dayOfWeek: number, start: string, end: string, slotMinutes: number, extra: Partial<WeeklyRule> = {}): WeeklyRule => ({
  dayOfWeek,
  start,
  end,
  slotMinutes,
  bufferMinutes: 0,
  priceCents: 0,
  currency: 'EUR',
  active: true,
  ...extra,
});
const everyDay = (start: string, end: string, slotMinutes: number): WeeklyRule[] => [0, 1, 2, 3, 4, 5, 6].map((d) => rule(d, start, end, slotMinutes));
const YEAR = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };

const CASES: Case[] = [
  // Office hours on weekdays in Berlin: 09:00 stays 09:00 local in winter and summer.
  { zone: 'Europe/Berlin', ...YEAR, rules: [1, 2, 3, 4, 5].map((d) => rule(d, '09:00', '12:00', 30)), overrides: [] },
  // Every day through the night: the spring gap (02:00-03:00 missing) and the repeated hour.
  { zone: 'Europe/Berlin', ...YEAR, rules: everyDay('00:00', '04:00', 30), overrides: [] },
  { zone: 'America/New_York', ...YEAR, rules: everyDay('00:30', '03:30', 45), overrides: [] },
  { zone: 'America/Los_Angeles', ...YEAR, rules: [rule(0, '01:00', '03:00', 20), rule(6, '22:00', '24:00', 60)], overrides: [] },
  // Southern hemisphere: changes in April and September/October.
  { zone: 'Australia/Sydney', ...YEAR, rules: everyDay('01:30', '03:30', 15), overrides: [] },
  { zone: 'Pacific/Auckland', ...YEAR, rules: [rule(0, '01:00', '04:00', 60), rule(3, '18:00', '20:00', 25)], overrides: [] },
  // Half-hour DST shift, and a zone whose change happens at midnight.
  { zone: 'Australia/Lord_Howe', ...YEAR, rules: everyDay('01:00', '03:00', 10), overrides: [] },
  { zone: 'America/Santiago', ...YEAR, rules: everyDay('23:00', '24:00', 30).concat(everyDay('00:00', '01:00', 30)), overrides: [] },
  { zone: 'Asia/Kolkata', ...YEAR, rules: [rule(2, '10:00', '17:00', 50)], overrides: [] },
  // Overrides: days off across the spring change, extra hours on the fall-back date.
  {
    zone: 'Europe/London',
    ...YEAR,
    rules: everyDay('00:00', '03:00', 30),
    overrides: [
      { date: '2026-03-29', kind: 'off' },
      { date: '2026-10-25', kind: 'extra', start: '18:00', end: '20:00', slotMinutes: 40, bufferMinutes: 0, priceCents: 500, currency: 'GBP' },
      { date: '2026-12-24', kind: 'off' },
    ],
  },
];

describe('slots', () => {
  it('slots match Python zoneinfo in several zones across both DST changes', () => {
    const expected = oracle(CASES);
    let total = 0;
    CASES.forEach((c, i) => {
      const ours = candidateSlots(c, new Date(c.from), new Date(c.to)).map((s) => [s.start.toISOString(), s.end.toISOString()]);
      expect(ours, `${c.zone} case ${i}`).toEqual(expected[i]);
      total += ours.length;
    });
    expect(total).toBeGreaterThan(15_000);
    // Berlin, 8 half-hour starts a night for 365 nights, minus 02:00 and 02:30 on 29 March.
    expect(expected[1]).toHaveLength(365 * 8 - 2);
  });

  it('slots keep the local time of day across a DST change and skip the gap', () => {
    // Berlin springs forward on 2026-03-29 at 02:00 (to 03:00) and falls back on 2026-10-25 at 03:00 (to 02:00).
    expect(wallToInstant('2026-03-27', 9 * 60, 'Europe/Berlin')?.toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(wallToInstant('2026-03-30', 9 * 60, 'Europe/Berlin')?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(wallToInstant('2026-03-29', 2 * 60 + 30, 'Europe/Berlin')).toBeUndefined();
    // Ambiguous 02:30 on the fall-back day: the first occurrence (still CEST, +02:00).
    expect(wallToInstant('2026-10-25', 2 * 60 + 30, 'Europe/Berlin')?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('slots minus notice, horizon, busy ranges with buffers and the daily cap', () => {
    const base = { zone: 'UTC', rules: [rule(1, '09:00', '12:00', 30, { bufferMinutes: 10 })], overrides: [] };
    const now = new Date('2026-01-04T12:00:00Z'); // Sunday
    const q = { ...base, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z'), now, minNoticeMinutes: 12 * 60, horizonDays: 14, busy: [] };
    const all = freeSlots(q);
    // Mondays 5 and 12 January only (horizon 14 days); 6 slots each.
    expect(all.map((s) => s.start.toISOString().slice(0, 10))).toEqual([...Array(6).fill('2026-01-05'), ...Array(6).fill('2026-01-12')]);
    // Notice: at 01:00 on Monday, 12 h notice leaves nothing that morning before 13:00.
    expect(freeSlots({ ...q, now: new Date('2026-01-05T01:00:00Z') }).filter((s) => s.start.toISOString().startsWith('2026-01-05'))).toEqual([]);
    // A booking 10:00-10:30 with a 10-minute buffer blocks 09:30 (its buffer reaches 10:10), 10:00 and 10:30.
    const busy = [{ start: new Date('2026-01-05T10:00:00Z'), end: new Date('2026-01-05T10:40:00Z') }];
    const monday = freeSlots({ ...q, busy }).filter((s) => s.start.toISOString().startsWith('2026-01-05')).map((s) => s.start.toISOString().slice(11, 16));
    expect(monday).toEqual(['09:00', '11:00', '11:30']);
    // Daily cap reached on the 5th: none that day.
    const capped = freeSlots({ ...q, dailyCap: 2, bookedPerDay: new Map([['2026-01-05', 2]]) });
    expect(capped.every((s) => s.start.toISOString().startsWith('2026-01-12'))).toBe(true);
  });

  it('slots guard granules cover the booking and its buffer', () => {
    const g = granulesOf(new Date('2026-01-05T10:00:00Z'), new Date('2026-01-05T10:30:00Z'), 10);
    expect(g).toHaveLength(8);
    expect(g[0]!.toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(g.at(-1)!.toISOString()).toBe('2026-01-05T10:35:00.000Z');
  });
});
