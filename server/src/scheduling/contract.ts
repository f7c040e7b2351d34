// Contract of scheduling: edits of a session or its series with a scope, reschedule, cancel,
// host assignment, invitees, history, materials and calendar feeds.
import { z } from 'zod';
import { IsoDate, TimeZone } from '../http/contract.js';
import { GuestAccess, HttpUrl, SessionDto, SessionMode, SessionType } from '../sessions/contract.js';

export const SCOPES = ['one', 'following', 'all'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export const ScopeQuery = z.object({
  scope: Scope.default('one').describe('one: this occurrence; following: this and later scheduled ones of the series; all: every scheduled one'),
});
const Reason = z.string().trim().min(1, 'a reason is required').max(500);

export const PatchSessionBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(10_000),
    type: SessionType,
    mode: SessionMode,
    durationMinutes: z.number().int().min(5).max(24 * 60),
    guestAccess: GuestAccess,
    participantLimit: z.number().int().min(2).max(1000).nullable(),
    webinarMode: z.boolean(),
    courseId: z.uuid().nullable(),
    meetingUrl: HttpUrl.nullable(),
    priceCents: z.number().int().min(0).max(10_000_000),
    currency: z.string().length(3),
    scheduledAt: z.iso
      .datetime({ offset: true })
      .describe('new start of this occurrence; with scope following/all every occurrence in the scope moves by as many days as this one and takes its new time of day (in the new `timezone`, if given)'),
    timezone: TimeZone.describe('the zone the session keeps its wall-clock time in; alone it keeps the start instant'),
    localTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
      .describe("new local time of day for each occurrence in the scope (in each one's own zone): a reschedule"),
    reason: Reason,
  })
  .partial();
export type PatchSessionBody = z.input<typeof PatchSessionBody>;

export const RescheduleBody = z.object({
  scheduledAt: z.iso.datetime({ offset: true }),
  timezone: TimeZone.optional(),
  durationMinutes: z.number().int().min(5).max(24 * 60).optional(),
  reason: Reason,
});
export type RescheduleBody = z.input<typeof RescheduleBody>;
export const CancelBody = z.object({ reason: Reason, scope: Scope.default('one') });
export type CancelBody = z.input<typeof CancelBody>;
export const HostBody = z.object({ hostId: z.uuid(), scope: Scope.default('one'), reason: z.string().max(500).optional() });
export type HostBody = z.input<typeof HostBody>;
export const InviteBody = z
  .object({ userIds: z.array(z.uuid()).max(1000).default([]), courseIds: z.array(z.uuid()).max(50).default([]), scope: Scope.default('one') })
  .refine((b) => b.userIds.length + b.courseIds.length > 0, 'give userIds or courseIds');
export type InviteBody = z.input<typeof InviteBody>;
export const InviteeParams = z.object({ id: z.uuid(), userId: z.uuid() });

/** What a scoped change answers: the session it was made on and how many occurrences changed. */
export const ScheduleResult = z.object({ session: SessionDto, affected: z.number().int() });
export type ScheduleResult = z.infer<typeof ScheduleResult>;

export const Invitee = z.object({ id: z.uuid(), name: z.string(), email: z.string(), rsvp: z.enum(['invited', 'accepted', 'declined']) });
export type Invitee = z.infer<typeof Invitee>;

export const HistoryEntry = z.object({
  id: z.uuid(),
  action: z.string(),
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  reason: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  at: IsoDate,
  people: z.record(z.string(), z.string()).describe('names of the people the entry mentions (invitees added or removed, hosts before and after), by user id'),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const CalendarFeed = z.object({ url: z.string().describe('secret iCalendar feed URL') });
export type CalendarFeed = z.infer<typeof CalendarFeed>;
export const FeedTokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}(\.ics)?$/) });

export const LinkBody = z.object({ title: z.string().trim().min(1).max(200), url: HttpUrl });
export type LinkBody = z.input<typeof LinkBody>;
export const MaterialParams = z.object({ id: z.uuid(), materialId: z.uuid() });
