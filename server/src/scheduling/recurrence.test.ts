// Recurrence expansion compared with an independent implementation: python-dateutil's
// rrule (Debian python3-dateutil) with zoneinfo zones, run as a child process.
import { execFileSync } from 'node:child_process';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { expand, formatRRule, localToUtc, parseRRule } from './recurrence.js';

interface Case {
  rrule: string;
  /** Local wall time of DTSTART in `zone`. */
  start: string;
  zone: string;
}

// dateutil's rrule generates wall times; attaching a zoneinfo zone (fold=0) gives the
// RFC 5545 reading: gap times use the offset before the gap, ambiguous times the first
// instant. (dateutil's own tz.gettz zones shift gap times backwards; zoneinfo does not.)
const PY = `
import json, sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
from dateutil.rrule import rrulestr
out = []
for c in json.load(sys.stdin):
    z = ZoneInfo(c['zone'])
    start = datetime.fromisoformat(c['start']).replace(tzinfo=z)
    res = []
    for d in rrulestr(c['rrule'], dtstart=start):
        if len(res) >= 366: break
        res.append(d.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z'))
    out.append(res)
print(json.dumps(out))
`;

function dateutilExpand(cases: Case[]): string[][] {
  const out = execFileSync('/usr/bin/python3', ['-c', PY], { input: JSON.stringify(cases), encoding: 'utf8' });
  return JSON.parse(out) as string[][];
}

function ours(c: Case): string[] {
  const local = DateTime.fromISO(c.start, { zone: c.zone });
  const dtstart = localToUtc({ year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute }, c.zone);
  return expand({ dtstart, zone: c.zone, rule: parseRRule(c.rrule) }).map((d) => d.toISOString());
}

const CASES: Case[] = [
  // Weekly across both European DST changes: 09:00 Berlin stays 09:00 local.
  { rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=70', start: '2026-01-05T09:00', zone: 'Europe/Berlin' },
  { rrule: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20271231T000000Z', start: '2026-02-03T17:30', zone: 'America/New_York' },
  { rrule: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,SA;WKST=SU;COUNT=40', start: '2026-03-01T08:00', zone: 'Europe/London' },
  { rrule: 'RRULE:FREQ=WEEKLY;COUNT=60', start: '2026-03-20T19:00', zone: 'Australia/Sydney' },
  // Daily through the gap (02:30 does not exist on the spring-forward day) and the overlap.
  { rrule: 'RRULE:FREQ=DAILY;COUNT=300', start: '2026-03-01T02:30', zone: 'America/New_York' },
  { rrule: 'RRULE:FREQ=DAILY;COUNT=300', start: '2026-03-20T02:30', zone: 'Europe/Berlin' },
  { rrule: 'RRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20270401T120000Z', start: '2026-09-01T01:30', zone: 'America/Los_Angeles' },
  { rrule: 'RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=200', start: '2026-03-25T02:15', zone: 'Pacific/Auckland' },
  { rrule: 'RRULE:FREQ=DAILY;COUNT=366', start: '2026-01-01T02:00', zone: 'Australia/Lord_Howe' },
  { rrule: 'RRULE:FREQ=DAILY;COUNT=120', start: '2026-08-15T00:00', zone: 'America/Santiago' },
  // Month ends: 31st skipped in short months, last day, 29th around February.
  { rrule: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=14', start: '2026-01-31T10:00', zone: 'Australia/Sydney' },
  { rrule: 'RRULE:FREQ=MONTHLY;COUNT=14', start: '2026-01-31T10:00', zone: 'Europe/Berlin' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=24', start: '2026-01-31T23:30', zone: 'America/Los_Angeles' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=29;COUNT=24', start: '2027-01-29T12:00', zone: 'Asia/Kolkata' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15,-2;COUNT=50', start: '2026-01-01T07:45', zone: 'America/Santiago' },
  { rrule: 'RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=30;COUNT=12', start: '2026-01-30T09:00', zone: 'Europe/Berlin' },
  // Nth weekday: 5th Friday (only some months have one), last Sunday, 2nd Tuesday.
  { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=5FR;COUNT=9', start: '2026-01-01T18:00', zone: 'Europe/Berlin' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=5MO,5TU;UNTIL=20280101T000000Z', start: '2026-01-01T09:00', zone: 'America/New_York' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=-1SU;COUNT=24', start: '2026-01-01T02:30', zone: 'Europe/Berlin' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=24', start: '2026-01-01T14:00', zone: 'Australia/Lord_Howe' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=-2WE,1MO;INTERVAL=3;COUNT=16', start: '2026-02-10T06:00', zone: 'Pacific/Auckland' },
  { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=4', start: '2026-01-01T13:00', zone: 'America/Los_Angeles' },
];

describe('recurrence expansion', () => {
  it('recurrence matches python-dateutil rrule in several zones across DST, month ends and 5th weekdays', () => {
    const expected = dateutilExpand(CASES);
    CASES.forEach((c, i) => {
      expect({ case: c, got: ours(c) }).toEqual({ case: c, got: expected[i] });
    });
    // Guard against a vacuous comparison.
    expect(expected.every((list) => list.length > 0)).toBe(true);
  });

  it('recurrence keeps 09:00 Europe/Berlin at 09:00 local all year', () => {
    const dtstart = localToUtc({ year: 2026, month: 1, day: 5, hour: 9, minute: 0 }, 'Europe/Berlin');
    const all = expand({ dtstart, zone: 'Europe/Berlin', rule: parseRRule('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=52') });
    expect(all).toHaveLength(52);
    for (const d of all) expect(DateTime.fromJSDate(d, { zone: 'Europe/Berlin' }).toFormat('HH:mm ccc')).toBe('09:00 Mon');
    const utcHours = new Set(all.map((d) => d.getUTCHours()));
    expect([...utcHours].sort()).toEqual([7, 8]);
  });

  it('recurrence shifts a gap time forward and takes the first of an ambiguous time', () => {
    expect(localToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(localToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(localToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('recurrence treats a DATE UNTIL as the end of that local day', () => {
    const dtstart = localToUtc({ year: 2026, month: 6, day: 1, hour: 23, minute: 0 }, 'Pacific/Auckland');
    const all = expand({ dtstart, zone: 'Pacific/Auckland', rule: parseRRule('RRULE:FREQ=DAILY;UNTIL=20260605') });
    expect(all.map((d) => DateTime.fromJSDate(d, { zone: 'Pacific/Auckland' }).toISODate())).toEqual([
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
      '2026-06-04',
      '2026-06-05',
    ]);
  });

  it('recurrence caps open-ended rules at 366 occurrences within two years', () => {
    const dtstart = new Date('2026-01-01T10:00:00Z');
    expect(expand({ dtstart, zone: 'UTC', rule: parseRRule('FREQ=DAILY') })).toHaveLength(366);
    const weekly = expand({ dtstart, zone: 'UTC', rule: parseRRule('FREQ=WEEKLY') });
    expect(weekly.length).toBeLessThanOrEqual(105);
    expect(weekly.at(-1)!.getTime() - dtstart.getTime()).toBeLessThanOrEqual(731 * 86_400_000);
  });

  it('recurrence rejects unsupported or malformed rules with a validation error', () => {
    for (const bad of [
      'RRULE:FREQ=YEARLY',
      'RRULE:FREQ=WEEKLY;BYDAY=2TU',
      'RRULE:FREQ=MONTHLY;BYDAY=6FR',
      'RRULE:FREQ=MONTHLY;BYMONTHDAY=0',
      'RRULE:FREQ=DAILY;COUNT=5;UNTIL=20260101',
      'RRULE:FREQ=DAILY;COUNT=1000',
      'RRULE:FREQ=DAILY;BYSETPOS=1',
      'RRULE:FREQ=DAILY;UNTIL=20260231',
      'RRULE:INTERVAL=2',
      'nonsense',
    ]) {
      expect(() => parseRRule(bad), bad).toThrow(ValidationError);
    }
  });

  it('recurrence formats a parsed rule canonically', () => {
    expect(formatRRule(parseRRule('rrule:byday=mo,we;freq=weekly;count=10'))).toBe('RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    expect(formatRRule(parseRRule('FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261231T230000Z'))).toBe('RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261231T230000Z');
  });
});
