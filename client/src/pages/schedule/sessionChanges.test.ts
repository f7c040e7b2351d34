import { describe, expect, it } from 'vitest';
import { dateIn } from '../attendance/format.js';
import type { FullSession, HistoryEntry } from './scheduleApi.js';
import { describeChange } from './SessionHistory.js';
import { startOpen } from './sessionWindows.js';

const entry = (e: Partial<HistoryEntry>): HistoryEntry => ({ id: 'h1', action: 'updated', actorId: null, actorName: 'Tara', reason: null, before: null, after: null, at: '2026-03-01T10:00:00.000Z', people: {}, ...e });

describe('session history in words', () => {
  it('names what an edit changed, before and after', () => {
    const lines = describeChange(
      entry({
        action: 'rescheduled',
        before: { title: 'Lab', scheduledAt: '2026-03-02T09:00:00.000Z', timezone: 'UTC', durationMinutes: 60, mode: 'video', description: 'a' },
        after: { title: 'Lab 2', scheduledAt: '2026-03-03T09:00:00.000Z', timezone: 'UTC', durationMinutes: 90, mode: 'in_person', description: 'b' },
      }),
    );
    expect(lines[0]).toMatch(/^Time: .+2.+ → .+3.+$/);
    expect(lines.slice(1)).toEqual(['Title: “Lab” → “Lab 2”', 'Duration: 60 → 90 min', 'Mode: video → in person', 'Description changed']);
  });

  it('names the people invited, uninvited and the hosts', () => {
    const people = { u1: 'Sue Student', u2: 'Sam Student', t1: 'Tara Teacher', m1: 'Mina Mentor' };
    expect(describeChange(entry({ action: 'invitees_changed', after: { added: ['u1'], removed: ['u2', 'gone'] }, people }))).toEqual(['Invited Sue Student', 'Uninvited Sam Student, a removed account']);
    expect(describeChange(entry({ action: 'host_assigned', before: { hostId: 't1' }, after: { hostId: 'm1' }, people }))).toEqual(['Tara Teacher → Mina Mentor']);
    expect(describeChange(entry({ action: 'materials_changed', after: { added: { title: 'Slides' } } }))).toEqual(['Added “Slides”']);
    expect(describeChange(entry({ action: 'cancelled' }))).toEqual([]);
  });
});

describe('start window and dates', () => {
  const s = (status: FullSession['status'], at: number) => ({ status, scheduledAt: new Date(at).toISOString() }) as FullSession;
  it('a host is offered Start from 15 minutes before the start, and any time once live', () => {
    const start = Date.parse('2026-03-02T09:00:00Z');
    expect(startOpen(s('scheduled', start), start - 16 * 60_000)).toBe(false);
    expect(startOpen(s('scheduled', start), start - 15 * 60_000)).toBe(true);
    expect(startOpen(s('scheduled', start), start + 3 * 3600_000)).toBe(true);
    expect(startOpen(s('live', start), start - 86_400_000)).toBe(true);
    expect(startOpen(s('completed', start), start)).toBe(false);
  });

  it('report dates show the year only when it is not this year', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(dateIn('2026-03-04T12:00:00Z', 'UTC', now)).not.toMatch(/2026/);
    expect(dateIn('2027-03-04T12:00:00Z', 'UTC', now)).toMatch(/2027/);
  });
});
