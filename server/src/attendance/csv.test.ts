import { describe, expect, it } from 'vitest';
import { attendanceCsv, csvDisposition, csvField, localTime } from './csv.js';
import type { ParticipantRecord, SessionReport } from './contract.js';

/** A strict RFC 4180 reader, to check that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('last line must end with CRLF');
  return rows;
}

const person = (over: Partial<ParticipantRecord>): ParticipantRecord => ({
  participantId: 'guest:1',
  userId: null,
  name: 'x',
  role: 'participant',
  expected: true,
  rsvp: null,
  status: 'present',
  computedStatus: 'present',
  corrected: false,
  note: null,
  firstJoinAt: null,
  lastLeaveAt: null,
  inRoomNow: false,
  minutesPresent: 0,
  secondsPresent: 0,
  intervals: 0,
  spans: [],
  ...over,
});

function report(participants: ParticipantRecord[], timezone = 'Europe/Berlin'): SessionReport {
  return {
    session: {
      id: 's1',
      title: 'Физика: "Waves", part 2',
      status: 'completed',
      scheduledAt: '2026-03-29T08:00:00.000Z',
      startedAt: '2026-03-29T08:00:00.000Z',
      endedAt: '2026-03-29T09:00:00.000Z',
      durationMinutes: 60,
      timezone,
      courseId: null,
      hostId: 'h',
    },
    timezone,
    lateGraceMinutes: 5,
    totals: { expected: 0, attended: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0, guests: 0, unexpected: 0, rate: null, peakHeadCount: 0 },
    participants,
    timeline: [],
    generatedAt: '2026-03-29T10:00:00.000Z',
  };
}

describe('attendance csv', () => {
  it('quotes commas, quotes and line breaks, and guards formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });

  it('starts with a UTF-8 BOM, names the time zone, and reads back cell for cell', () => {
    const csv = attendanceCsv(
      report([
        person({ name: 'Zoë Ørsted-Łukasiewicz', participantId: 'u1', firstJoinAt: '2026-03-29T08:02:00.000Z', lastLeaveAt: '2026-03-29T08:58:30.000Z', minutesPresent: 50.5, intervals: 3 }),
        person({ name: '山田 太郎, "Taro"', status: 'excused', note: 'Doctor’s note,\nsigned', participantId: 'guest:abc' }),
      ]),
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([
      'Name',
      'Participant ID',
      'Role',
      'Status',
      'RSVP',
      'First join (Europe/Berlin)',
      'Last leave (Europe/Berlin)',
      'Minutes present',
      'Connections',
      'Note',
    ]);
    // 08:02 UTC on the day Berlin moved to summer time (UTC+2 from 01:00 UTC).
    expect(rows[1]).toEqual(['Zoë Ørsted-Łukasiewicz', 'u1', 'participant', 'present', '', '2026-03-29 10:02:00', '2026-03-29 10:58:30', '50.5', '3', '']);
    expect(rows[2]).toEqual(['山田 太郎, "Taro"', 'guest:abc', 'participant', 'excused', '', '', '', '0', '0', 'Doctor’s note,\nsigned']);
    expect(rows).toHaveLength(3);
  });

  it('converts times across a DST change in the session’s zone', () => {
    expect(localTime('2026-03-29T00:30:00.000Z', 'Europe/Berlin')).toBe('2026-03-29 01:30:00');
    expect(localTime('2026-03-29T01:30:00.000Z', 'Europe/Berlin')).toBe('2026-03-29 03:30:00');
    expect(localTime('2026-11-01T06:30:00.000Z', 'America/New_York')).toBe('2026-11-01 01:30:00');
    expect(localTime(null, 'UTC')).toBe('');
  });

  it('offers a safe file name with the UTF-8 title alongside', () => {
    const d = csvDisposition(report([]));
    expect(d).toMatch(/^attachment; filename="[\x20-\x7e]+\.csv"; filename\*=UTF-8''/);
    expect(d).not.toMatch(/filename="[^"]*"[^;]*"/);
    expect(decodeURIComponent(d.split("UTF-8''")[1] ?? '')).toBe('attendance-Физика- -Waves-, part 2-2026-03-29.csv');
  });
});
