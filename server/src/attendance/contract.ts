// Contract of attendance: request and response bodies of a session's report (JSON or CSV),
// corrections and their audit trail, RSVPs, and the reports per student, course and host,
// plus the admin overview. The client imports the types; the routes validate and document
// with the schemas.
import { z } from 'zod';
import { ATTENDANCE_STATUSES, RSVP } from '@lectern/db';
import { IsoDate, TimeZone } from '../http/contract.js';
import { SessionStatus } from '../sessions/contract.js';

export const Rsvp = z.enum(RSVP);
export type Rsvp = z.infer<typeof Rsvp>;
/** What a teacher can set by hand. */
export const CorrectableStatus = z.enum(ATTENDANCE_STATUSES);
export type CorrectableStatus = z.infer<typeof CorrectableStatus>;
/**
 * `present`, `late`, `absent`, `excused` once the session has been held (or is live);
 * before it starts, expected participants are `registered` (accepted the invitation),
 * `invited` (no answer yet) or `declined`.
 */
export const ReportStatus = z.enum([...ATTENDANCE_STATUSES, 'registered', 'invited', 'declined']);
export type ReportStatus = z.infer<typeof ReportStatus>;

// ---- requests ----

const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
/** A date alone means its whole day (UTC): `to=2026-01-31` includes the 31st. */
export const RangeQuery = z.object({ from: Instant.optional(), to: Instant.optional() });
export type RangeQuery = z.infer<typeof RangeQuery>;
export const ReportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });
export const ParticipantParams = z.object({ id: z.uuid(), participantId: z.string().min(1).max(100).regex(/^[A-Za-z0-9:_-]+$/) });
export const CorrectionBody = z.object({ status: CorrectableStatus, note: z.string().max(1000).optional() });
export type CorrectionBody = z.infer<typeof CorrectionBody>;
export const RsvpBody = z.object({ response: z.enum(['accepted', 'declined']) });
export type RsvpBody = z.infer<typeof RsvpBody>;

// ---- one session ----

export const ParticipantRecord = z.object({
  participantId: z.string(),
  userId: z.string().nullable(),
  name: z.string(),
  role: z.string().describe('room role when they joined (host, cohost, participant, guest); `participant` for invitees who never came'),
  expected: z.boolean().describe("invited, or enrolled in the session's course before it ended"),
  rsvp: Rsvp.nullable(),
  status: ReportStatus,
  computedStatus: ReportStatus.describe('the status from the captured data alone, before any correction'),
  corrected: z.boolean(),
  note: z.string().nullable(),
  firstJoinAt: IsoDate.nullable(),
  lastLeaveAt: IsoDate.nullable().describe('last leave; null while still in the room'),
  inRoomNow: z.boolean(),
  minutesPresent: z.number(),
  secondsPresent: z.number(),
  intervals: z.number().int().describe('number of connections (joins), reconnects included'),
  spans: z.array(z.object({ start: IsoDate, end: IsoDate })).describe('time present as disjoint spans (the union of the connections)'),
});
export type ParticipantRecord = z.infer<typeof ParticipantRecord>;

export const SessionTotals = z
  .object({
    expected: z.number().int().describe('invited people (invitees, and students enrolled in the course before the session ended), hosts excluded'),
    attended: z.number().int().describe('invited people who came: present + late'),
    present: z.number().int().describe('invited people who came on time'),
    late: z.number().int().describe('invited people who came after the grace'),
    absent: z.number().int().describe('invited people who did not come'),
    excused: z.number().int().describe('invited people excused by a teacher'),
    pending: z.number().int().describe('invited people without an attendance yet (the session has not been held): registered, invited or declined'),
    guests: z.number().int().describe('people who joined without being invited (guests by code, or signed-in people not invited), hosts excluded'),
    unexpected: z.number().int().describe('guests who came (present or late); at most `guests`'),
    rate: z.number().nullable().describe('attended / (expected - excused); null when nobody was expected'),
    peakHeadCount: z.number().int().describe('most people in the room at once, hosts included'),
  })
  .describe('present + late + absent + excused + pending = expected; guests are counted apart and not in the rate');
export type SessionTotals = z.infer<typeof SessionTotals>;

export const SessionReport = z.object({
  session: z.object({
    id: z.uuid(),
    title: z.string(),
    status: SessionStatus,
    scheduledAt: IsoDate,
    startedAt: IsoDate.nullable(),
    endedAt: IsoDate.nullable(),
    durationMinutes: z.number().int(),
    timezone: z.string(),
    courseId: z.uuid().nullable(),
    hostId: z.uuid(),
  }),
  timezone: z.string(),
  lateGraceMinutes: z.number(),
  totals: SessionTotals,
  participants: z.array(ParticipantRecord),
  timeline: z.array(z.object({ at: IsoDate, count: z.number().int() })).describe('head count over time: the count changes to `count` at `at`'),
  generatedAt: IsoDate,
});
export type SessionReport = z.infer<typeof SessionReport>;

export const AuditEntry = z.object({
  id: z.string(),
  participantId: z.string(),
  changedBy: z.uuid().nullable(),
  changedByName: z.string().nullable(),
  changedAt: IsoDate,
  before: z.object({ status: ReportStatus.nullable(), note: z.string().nullable() }),
  after: z.object({ status: CorrectableStatus.nullable(), note: z.string().nullable() }),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const RsvpResult = z.object({ sessionId: z.uuid(), userId: z.uuid(), rsvp: RsvpBody.shape.response });
export type RsvpResult = z.infer<typeof RsvpResult>;

// ---- across sessions ----

export const ReportRange = z.object({ from: IsoDate.nullable(), to: IsoDate.nullable() });
export type ReportRange = z.infer<typeof ReportRange>;

export const Tally = z.object({
  sessions: z.number().int(),
  attended: z.number().int(),
  present: z.number().int(),
  late: z.number().int(),
  absent: z.number().int(),
  excused: z.number().int(),
  minutes: z.number(),
  rate: z.number().nullable().describe('attended / (sessions - excused); null when there is nothing to count'),
});
export type Tally = z.infer<typeof Tally>;

export const StudentSessionRow = z.object({
  sessionId: z.uuid(),
  title: z.string(),
  courseId: z.uuid().nullable(),
  at: IsoDate,
  timezone: z.string(),
  status: ReportStatus,
  minutesPresent: z.number(),
  firstJoinAt: IsoDate.nullable(),
  lastLeaveAt: IsoDate.nullable(),
  note: z.string().nullable(),
});
export type StudentSessionRow = z.infer<typeof StudentSessionRow>;

export const StudentReport = z.object({
  user: z.object({ id: z.uuid(), name: z.string() }),
  range: ReportRange,
  totals: Tally,
  sessions: z.array(StudentSessionRow),
});
export type StudentReport = z.infer<typeof StudentReport>;

export const CourseCell = z.object({ sessionId: z.uuid(), status: ReportStatus.nullable(), minutesPresent: z.number() });
export type CourseCell = z.infer<typeof CourseCell>;

export const CourseReport = z.object({
  course: z.object({ id: z.uuid(), title: z.string() }),
  range: ReportRange,
  totals: z.object({ sessions: z.number().int(), averageRate: z.number().nullable(), averageAttended: z.number().nullable(), students: z.number().int() }),
  sessions: z.array(SessionTotals.extend({ sessionId: z.uuid(), title: z.string(), at: IsoDate, timezone: z.string() })),
  students: z.array(Tally.extend({ userId: z.uuid(), name: z.string(), cells: z.array(CourseCell) })).describe('heatmap rows: every expected participant, one cell per session'),
});
export type CourseReport = z.infer<typeof CourseReport>;

export const HostReport = z.object({
  host: z.object({ id: z.uuid(), name: z.string(), role: z.string() }),
  range: ReportRange,
  totals: z.object({ sessionsHeld: z.number().int(), averageRate: z.number().nullable(), averageAttended: z.number().nullable(), minutesHeld: z.number() }),
  sessions: z.array(
    SessionTotals.extend({
      sessionId: z.uuid(),
      title: z.string(),
      courseId: z.uuid().nullable(),
      at: IsoDate,
      timezone: z.string(),
      asCohost: z.boolean(),
      heldMinutes: z.number().nullable(),
    }),
  ),
});
export type HostReport = z.infer<typeof HostReport>;

export const Overview = z.object({
  range: ReportRange,
  totals: z.object({
    sessions: z.number().int(),
    scheduled: z.number().int(),
    live: z.number().int(),
    completed: z.number().int(),
    cancelled: z.number().int(),
    liveNow: z.number().int().describe('live right now, whatever the range'),
    inRoomNow: z.number().int().describe('distinct people in a room right now'),
    participants: z.number().int().describe('distinct participants (hosts excluded) who joined a session in the range'),
    meetings: z.number().int(),
  }),
  revenue: z
    .array(z.object({ currency: z.string(), cents: z.number().int(), sessions: z.number().int(), attendees: z.number().int() }))
    .describe('price × attendees of held priced sessions, per currency, in minor units'),
});
export type Overview = z.infer<typeof Overview>;

export const TrendQuery = RangeQuery.extend({
  timezone: TimeZone.default('UTC').describe('weeks start on Monday 00:00 in this zone'),
});
export type TrendQuery = z.input<typeof TrendQuery>;

export const OverviewTrend = z
  .object({
    range: ReportRange,
    timezone: z.string(),
    weeks: z.array(
      z.object({
        start: z.iso.date().describe('the Monday the week starts on'),
        sessions: z.number().int().describe('sessions held (live or completed) that started in the week'),
        expected: z.number().int().describe('invited people of those sessions, summed'),
        attended: z.number().int().describe('invited people who came (present or late), summed'),
        excused: z.number().int(),
        guests: z.number().int().describe('people who joined without an invitation, summed'),
        rate: z.number().nullable().describe('attended / (expected - excused) over the week; null when nobody was expected'),
      }),
    ),
  })
  .describe('sessions held and attendance per week; without from/to the last 12 weeks, this one included; at most 106 weeks');
export type OverviewTrend = z.infer<typeof OverviewTrend>;
