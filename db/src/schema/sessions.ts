import { boolean, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, price, timestamps, tstz } from './columns.js';
import { courses } from './courses.js';
import { users } from './users.js';

export const SESSION_TYPES = ['class', 'webinar', 'workshop', 'office_hours', 'one_on_one', 'group_meeting', 'instant'] as const;
export const SESSION_MODES = ['video', 'audio', 'in_person', 'hybrid'] as const;
export const SESSION_STATUSES = ['scheduled', 'live', 'completed', 'cancelled'] as const;
export const GUEST_ACCESS = ['lobby', 'open'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type GuestAccess = (typeof GUEST_ACCESS)[number];

export interface Material {
  /** Stable id (uploaded files are stored under it). */
  id?: string;
  kind: 'link' | 'file';
  title: string;
  url: string;
  sizeBytes?: number;
  /** Original file name of an upload. */
  fileName?: string;
  contentType?: string;
}

/** One occurrence: a one-off session, or one member of a recurring series. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    seriesId: uuid('series_id'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    type: text('type', { enum: SESSION_TYPES }).notNull().default('class'),
    mode: text('mode', { enum: SESSION_MODES }).notNull().default('video'),
    status: text('status', { enum: SESSION_STATUSES }).notNull().default('scheduled'),
    scheduledAt: tstz('scheduled_at').notNull(),
    durationMinutes: integer('duration_minutes').notNull().default(60),
    timezone: text('timezone').notNull().default('UTC'),
    hostId: uuid('host_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
    courseId: uuid('course_id').references(() => courses.id, { onDelete: 'set null' }),
    participantLimit: integer('participant_limit'),
    guestAccess: text('guest_access', { enum: GUEST_ACCESS }).notNull().default('lobby'),
    meetingUrl: text('meeting_url'),
    ...price(),
    materials: jsonb('materials').$type<Material[]>().notNull().default([]),
    /** iCalendar SEQUENCE: bumped on every change that invitees should see. */
    sequence: integer('sequence').notNull().default(0),
    locked: boolean('locked').notNull().default(false),
    /** Webinar mode: only hosts and the people they promote may publish; viewers get the roster in batches. */
    webinarMode: boolean('webinar_mode').notNull().default(false),
    startedAt: tstz('started_at'),
    endedAt: tstz('ended_at'),
    /** Room tokens issued before this instant are refused (set when the session ends). */
    tokenCutoffAt: tstz('token_cutoff_at'),
    cancelReason: text('cancel_reason'),
    /** Minutes before the start at which invitees are reminded; null: the deployment default (LECTERN_REMINDER_OFFSETS). */
    reminderOffsetsMinutes: integer('reminder_offsets_minutes').array(),
    ...timestamps,
  },
  (t) => [
    index('sessions_host_idx').on(t.hostId),
    index('sessions_series_idx').on(t.seriesId),
    index('sessions_scheduled_idx').on(t.scheduledAt),
  ],
);

/** The session the row belongs to: required, and the row is deleted with the session. */
export const belongsToSession = () => uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' });

/**
 * A participant of the session's room, deleted with the session. `participantId` is the stable
 * participant identity: a user id, or `guest:<id>` for guests.
 */
export const sessionParticipant = () => ({
  sessionId: belongsToSession(),
  participantId: text('participant_id').notNull(),
});
