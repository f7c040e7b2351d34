// Contract of sessions: request and response bodies of /api/sessions (schedule, list, get,
// start, end, room settings). The client imports the types; the routes validate and
// document with the schemas.
import { z } from 'zod';
import { GUEST_ACCESS, SESSION_MODES, SESSION_STATUSES, SESSION_TYPES } from '@lectern/db';
import { IsoDate, TimeZone } from '../http/contract.js';

export const SessionType = z.enum(SESSION_TYPES);
export type SessionType = z.infer<typeof SessionType>;
export const SessionMode = z.enum(SESSION_MODES);
export type SessionMode = z.infer<typeof SessionMode>;
export const SessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof SessionStatus>;
export const GuestAccess = z.enum(GUEST_ACCESS);
export type GuestAccess = z.infer<typeof GuestAccess>;

/** A link or an uploaded file attached to a session. */
export const Material = z.object({
  id: z.string().optional().describe('stable id (uploaded files are stored under it)'),
  kind: z.enum(['link', 'file']),
  title: z.string(),
  url: z.string(),
  sizeBytes: z.number().optional(),
  fileName: z.string().optional().describe('original file name of an upload'),
  contentType: z.string().optional(),
});
export type Material = z.infer<typeof Material>;

/** Only http(s) links: never javascript:, data: or other schemes. */
export const HttpUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const LinkMaterial = z.object({ kind: z.literal('link').default('link'), title: z.string().trim().min(1).max(200), url: HttpUrl });

export const SessionDto = z.object({
  id: z.uuid(),
  seriesId: z.uuid().nullable(),
  title: z.string(),
  description: z.string(),
  type: SessionType,
  mode: SessionMode,
  status: SessionStatus,
  scheduledAt: IsoDate,
  endsAt: IsoDate,
  durationMinutes: z.number().int(),
  timezone: z.string(),
  hostId: z.uuid(),
  courseId: z.uuid().nullable(),
  participantLimit: z.number().int().nullable(),
  guestAccess: GuestAccess,
  meetingUrl: z.string().nullable(),
  priceCents: z.number().int(),
  currency: z.string(),
  materials: z.array(Material),
  sequence: z.number().int(),
  locked: z.boolean(),
  webinarMode: z.boolean().describe('only hosts and the participants they promote may publish; viewers watch'),
  startedAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  cancelReason: z.string().nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  hostName: z.string().optional().describe('present where the route looked it up (lists and single gets)'),
  recurrence: z.string().optional().describe('the series rule, on single gets of an occurrence'),
  recordings: z.number().int().optional().describe('how many finished (ready) recordings the session has; on lists and single gets'),
});
export type SessionDto = z.infer<typeof SessionDto>;

export const CreateSessionBody = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).default(''),
  type: SessionType.default('class'),
  mode: SessionMode.default('video'),
  scheduledAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().min(5).max(24 * 60).default(60),
  timezone: TimeZone.default('UTC'),
  guestAccess: GuestAccess.default('lobby'),
  participantLimit: z.number().int().min(2).max(1000).optional(),
  webinarMode: z.boolean().default(false).describe('webinar mode: only hosts and the participants they promote may publish'),
  courseId: z.uuid().optional(),
  meetingUrl: HttpUrl.optional(),
  priceCents: z.number().int().min(0).max(10_000_000).default(0),
  currency: z.string().length(3).default('EUR'),
  invitees: z.array(z.uuid()).max(1000).default([]).describe('user ids of invited students'),
  inviteCourseIds: z.array(z.uuid()).max(50).default([]).describe('invite every student enrolled in these courses (as of now)'),
  cohostIds: z.array(z.uuid()).max(20).default([]),
  hostId: z.uuid().optional().describe('admins only: the teacher or mentor who hosts (mentor assignment)'),
  recurrence: z
    .string()
    .max(500)
    .optional()
    .describe("RFC 5545 RRULE subset, e.g. 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10'; expanded in `timezone` (at most 366 occurrences / 2 years)"),
  materials: z.array(LinkMaterial).max(50).default([]),
});
/** What a caller sends (defaults applied by the server). */
export type CreateSessionBody = z.input<typeof CreateSessionBody>;

export const SessionListQuery = z.object({
  status: SessionStatus.optional(),
  seriesId: z.uuid().optional(),
  hostId: z.uuid().optional(),
  courseId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('only sessions that end after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('only sessions that start before this instant'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type SessionListQuery = z.input<typeof SessionListQuery>;

export const PatchRoomBody = z
  .object({ guestAccess: GuestAccess, locked: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type PatchRoomBody = z.input<typeof PatchRoomBody>;
