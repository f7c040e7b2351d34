import { describe, expect, it } from 'vitest';
import { computeStatus, lateReference } from './status.js';

const at = (hhmm: string) => new Date(`2026-03-29T${hhmm}:00Z`);
const scheduled = { scheduledAt: at('10:00'), startedAt: at('10:00') };
const base = { session: scheduled, held: true, graceMinutes: 5, rsvp: null, override: null };

describe('attendance status', () => {
  it('present within the grace, late after it', () => {
    expect(computeStatus({ ...base, firstJoinAt: at('09:55') })).toBe('present');
    expect(computeStatus({ ...base, firstJoinAt: at('10:05') })).toBe('present');
    expect(computeStatus({ ...base, firstJoinAt: new Date(at('10:05').getTime() + 1) })).toBe('late');
    expect(computeStatus({ ...base, graceMinutes: 0, firstJoinAt: at('10:01') })).toBe('late');
  });

  it('lateness counts from the later of the scheduled time and the actual start', () => {
    const lateStart = { scheduledAt: at('10:00'), startedAt: at('10:20') };
    expect(lateReference(lateStart)).toEqual(at('10:20'));
    expect(computeStatus({ ...base, session: lateStart, firstJoinAt: at('10:22') })).toBe('present');
    const earlyStart = { scheduledAt: at('10:00'), startedAt: at('09:45') };
    expect(computeStatus({ ...base, session: earlyStart, firstJoinAt: at('10:04') })).toBe('present');
    expect(computeStatus({ ...base, session: { scheduledAt: at('10:00'), startedAt: null }, firstJoinAt: at('10:06') })).toBe('late');
  });

  it('absent once held when expected and never joined; RSVP states before', () => {
    expect(computeStatus({ ...base, firstJoinAt: null })).toBe('absent');
    expect(computeStatus({ ...base, firstJoinAt: null, rsvp: 'declined' })).toBe('absent');
    const before = { ...base, held: false, firstJoinAt: null };
    expect(computeStatus({ ...before, rsvp: 'accepted' })).toBe('registered');
    expect(computeStatus({ ...before, rsvp: 'declined' })).toBe('declined');
    expect(computeStatus({ ...before, rsvp: 'invited' })).toBe('invited');
    expect(computeStatus({ ...before, rsvp: null })).toBe('invited');
  });

  it('a teacher’s correction wins over what was captured', () => {
    expect(computeStatus({ ...base, firstJoinAt: null, override: 'excused' })).toBe('excused');
    expect(computeStatus({ ...base, firstJoinAt: at('10:30'), override: 'present' })).toBe('present');
  });
});
