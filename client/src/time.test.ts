import { describe, expect, it } from 'vitest';
import { wallTimeNow, wallTimeToIso, zoneOffsetMs } from './time.js';

describe('time zones', () => {
  it('wallTimeToIso reads wall time in the given zone', () => {
    expect(wallTimeToIso('2025-01-15T09:00', 'Europe/Berlin')).toBe('2025-01-15T08:00:00.000Z');
    expect(wallTimeToIso('2025-07-15T09:00', 'Europe/Berlin')).toBe('2025-07-15T07:00:00.000Z');
    expect(wallTimeToIso('2025-07-15T09:00', 'America/New_York')).toBe('2025-07-15T13:00:00.000Z');
    expect(wallTimeToIso('2025-07-15T09:00', 'UTC')).toBe('2025-07-15T09:00:00.000Z');
  });
  it('wallTimeToIso moves a time in a DST gap forward', () => {
    // 02:30 does not exist in Berlin on 2025-03-30; 03:30 CEST = 01:30Z.
    expect(wallTimeToIso('2025-03-30T02:30', 'Europe/Berlin')).toBe('2025-03-30T01:30:00.000Z');
  });
  it('wallTimeToIso rejects malformed input', () => {
    expect(() => wallTimeToIso('tomorrow', 'UTC')).toThrow();
  });
  it('zoneOffsetMs follows DST', () => {
    expect(zoneOffsetMs(Date.UTC(2025, 0, 1), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.UTC(2025, 6, 1), 'Europe/Berlin')).toBe(7_200_000);
  });
  it('wallTimeNow rounds up to the step in the zone', () => {
    expect(wallTimeNow('Europe/Berlin', 15, Date.UTC(2025, 0, 1, 10, 7))).toBe('2025-01-01T11:15');
  });
});
