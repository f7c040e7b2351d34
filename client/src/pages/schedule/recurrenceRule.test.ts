import { describe, expect, it } from 'vitest';
import { buildRRule, describeRRule, type RecurrenceOptions } from './recurrenceRule.js';
import { dayKey, monthGrid, weekDays } from './zoned.js';

const base: RecurrenceOptions = { repeat: 'weekly', weekdays: ['WE', 'MO'], monthDay: 31, nth: 5, nthWeekday: 'FR', end: 'count', count: 10, until: '' };

describe('schedule form recurrence', () => {
  it('recurrence options build RRULE strings for each repeat kind', () => {
    expect(buildRRule({ ...base, repeat: 'none' })).toBeUndefined();
    expect(buildRRule(base)).toBe('RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    expect(buildRRule({ ...base, repeat: 'biweekly' })).toBe('RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10');
    expect(buildRRule({ ...base, repeat: 'daily', end: 'until', until: '2026-12-31' })).toBe('RRULE:FREQ=DAILY;UNTIL=20261231');
    expect(buildRRule({ ...base, repeat: 'monthly_day' })).toBe('RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=10');
    expect(buildRRule({ ...base, repeat: 'monthly_nth' })).toBe('RRULE:FREQ=MONTHLY;BYDAY=5FR;COUNT=10');
    expect(buildRRule({ ...base, repeat: 'monthly_nth', nth: -1, nthWeekday: 'SU' })).toBe('RRULE:FREQ=MONTHLY;BYDAY=-1SU;COUNT=10');
    expect(() => buildRRule({ ...base, weekdays: [] })).toThrow(/weekday/);
    expect(() => buildRRule({ ...base, end: 'until' })).toThrow(/end date/);
  });

  it('recurrence rules read back as sentences', () => {
    expect(describeRRule('RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10')).toBe('Every other week on Monday, Wednesday, 10 times');
    expect(describeRRule('RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261231')).toBe('Monthly on the last Friday, until 2026-12-31');
  });

  it('calendar grids start on Monday and day keys follow the zone', () => {
    expect(weekDays('2026-03-04')).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    const grid = monthGrid('2026-03-15');
    expect(grid).toHaveLength(42);
    expect(grid[0]).toBe('2026-02-23');
    expect(dayKey('2026-03-01T23:30:00Z', 'Europe/Berlin')).toBe('2026-03-02');
    expect(dayKey('2026-03-01T23:30:00Z', 'America/New_York')).toBe('2026-03-01');
  });
});
