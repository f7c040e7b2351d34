// Rows a database at an earlier schema holds, written as that schema's own SQL: each entry
// belongs to the migration that created its tables, so a database migrated up to N gets
// every entry up to N. Realistic, and including rows a later constraint could reject:
// emails that differ only in case (a future lower(email) unique index), a running and a
// finished recording of one session (0005's one-running index), outbox rows addressed by
// user id (0009's recipient check), sessions of a series, revoked and expired codes.

const U = {
  ada: '00000000-0000-4000-8000-000000000001',
  adaUpper: '00000000-0000-4000-8000-000000000002',
  teacher: '00000000-0000-4000-8000-000000000003',
  disabled: '00000000-0000-4000-8000-000000000004',
};
const COURSE = '00000000-0000-4000-8000-000000000010';
const S = {
  live: '00000000-0000-4000-8000-000000000020',
  ended: '00000000-0000-4000-8000-000000000021',
  cancelled: '00000000-0000-4000-8000-000000000022',
};
const SERIES = '00000000-0000-4000-8000-000000000030';
const CONVERSATION = '00000000-0000-4000-8000-000000000040';
const MESSAGE = '00000000-0000-4000-8000-000000000041';
const BOOKING = '00000000-0000-4000-8000-000000000050';

/** Statements by the index of the migration whose tables they fill. */
export const SEEDS: Record<number, string[]> = {
  0: [
    `insert into users (id, email, name, role, password_hash, timezone, disabled) values
      ('${U.ada}', 'ada@example.test', 'Ada', 'student', 'scrypt$a', 'Europe/Berlin', false),
      ('${U.adaUpper}', 'Ada@Example.test', 'Ada Upper', 'student', 'scrypt$b', 'UTC', false),
      ('${U.teacher}', 'tess@example.test', 'Tess Teacher', 'teacher', 'scrypt$c', 'America/New_York', false),
      ('${U.disabled}', 'gone@example.test', 'Gone', 'student', 'scrypt$d', 'UTC', true)`,
    `insert into refresh_tokens (user_id, family_id, token_hash, expires_at, rotated_at, revoked_at) values
      ('${U.ada}', gen_random_uuid(), 'rt-hash-1', now() + interval '30 days', null, null),
      ('${U.ada}', gen_random_uuid(), 'rt-hash-2', now() - interval '1 day', now() - interval '2 days', now() - interval '1 day')`,
    `insert into courses (id, title, description, owner_id) values ('${COURSE}', 'Physics 101', 'Waves and optics', '${U.teacher}')`,
    `insert into enrolments (course_id, user_id) values ('${COURSE}', '${U.ada}'), ('${COURSE}', '${U.adaUpper}')`,
    `insert into sessions (id, title, status, scheduled_at, duration_minutes, timezone, host_id, course_id, guest_access, locked, started_at, ended_at, cancel_reason, materials) values
      ('${S.live}', 'Live lecture', 'live', now() - interval '10 minutes', 60, 'Europe/Berlin', '${U.teacher}', '${COURSE}', 'open', true, now() - interval '9 minutes', null, null, '[{"name":"slides.pdf"}]'),
      ('${S.ended}', 'Yesterday', 'ended', now() - interval '1 day', 45, 'UTC', '${U.teacher}', null, 'lobby', false, now() - interval '1 day', now() - interval '23 hours', null, '[]'),
      ('${S.cancelled}', 'Cancelled', 'cancelled', now() + interval '2 days', 30, 'UTC', '${U.teacher}', '${COURSE}', 'invite', false, null, null, 'ill', '[]')`,
    `insert into session_cohosts (session_id, user_id) values ('${S.live}', '${U.adaUpper}')`,
    `insert into session_invitees (session_id, user_id, rsvp) values ('${S.live}', '${U.ada}', 'accepted'), ('${S.cancelled}', '${U.ada}', 'invited')`,
    `insert into join_codes (code, session_id, created_by, expires_at, revoked_at) values
      ('ABCD2345', '${S.live}', '${U.teacher}', now() + interval '1 hour', null),
      ('REVOKED1', '${S.live}', '${U.teacher}', now() + interval '1 hour', now()),
      ('EXPIRED1', '${S.ended}', null, now() - interval '1 day', null)`,
    `insert into attendance_intervals (session_id, participant_id, user_id, display_name, role, connection_id, joined_at, left_at, last_seen_at) values
      ('${S.live}', '${U.ada}', '${U.ada}', 'Ada', 'student', 'conn-1', now() - interval '8 minutes', null, now()),
      ('${S.ended}', 'guest:abc', null, 'Gus Guest', 'guest', 'conn-2', now() - interval '1 day', now() - interval '23 hours', now() - interval '23 hours')`,
    `insert into room_access (session_id, participant_id, state) values ('${S.live}', 'guest:abc', 'admitted')`,
  ],
  1: [
    `insert into attendance_overrides (session_id, participant_id, status, note, updated_by) values ('${S.ended}', 'guest:abc', 'excused', 'doctor', '${U.teacher}')`,
    `insert into attendance_audit (session_id, participant_id, changed_by, changed_at, before_status, after_status, after_note) values ('${S.ended}', 'guest:abc', '${U.teacher}', now(), 'absent', 'excused', 'doctor')`,
  ],
  2: [
    `insert into notifications (user_id, event_key, type, title, body, urgent, link, data, read_at) values
      ('${U.ada}', 'session.live:${S.live}', 'session.live', 'Live now', '', true, '/room/${S.live}', '{"sessionId":"${S.live}"}', null),
      ('${U.adaUpper}', 'session.live:${S.live}', 'session.live', 'Live now', '', true, null, '{}', now())`,
    `insert into notification_outbox (event_key, event_type, recipient_id, channel, payload, status, attempts, sent_at) values
      ('session.live:${S.live}', 'session.live', '${U.ada}', 'email', '{"to":"ada@example.test"}', 'sent', 1, now()),
      ('session.live:${S.live}', 'session.live', '${U.ada}', 'push', '{}', 'pending', 0, null)`,
    `insert into push_subscriptions (user_id, endpoint, p256dh, auth, user_agent) values ('${U.ada}', 'https://push.example.test/ep1', 'key', 'auth', 'Firefox')`,
    `insert into notification_preferences (user_id, event_type, channel, enabled) values ('${U.ada}', 'session.reminder', 'email', false)`,
    `insert into session_reminders (session_id, offset_minutes, scheduled_at, outcome, handled_at) values ('${S.live}', 15, now() - interval '25 minutes', 'sent', now() - interval '25 minutes')`,
    `update sessions set reminder_offsets_minutes = '{15,60}' where id = '${S.live}'`,
  ],
  3: [
    `insert into session_series (id, rrule, timezone, dtstart, until, occurrence_count, created_by) values ('${SERIES}', 'FREQ=WEEKLY;COUNT=4', 'Europe/Berlin', now(), now() + interval '21 days', 4, '${U.teacher}')`,
    `update sessions set series_id = '${SERIES}' where id = '${S.cancelled}'`,
    `insert into session_history (session_id, actor_id, action, reason, before, after) values ('${S.cancelled}', '${U.teacher}', 'cancelled', 'ill', '{"status":"scheduled"}', '{"status":"cancelled"}')`,
  ],
  4: [
    // One running and one finished recording of the live session: 0005's index allows one running per session.
    `insert into recordings (session_id, started_by, status, started_at, stopped_at, duration_seconds, progress, file_name, size_bytes, tracks) values
      ('${S.live}', '${U.teacher}', 'recording', now() - interval '5 minutes', null, null, 0, null, null, null),
      ('${S.live}', '${U.teacher}', 'ready', now() - interval '9 minutes', now() - interval '6 minutes', 180.5, 100, 'recording.mp4', 1048576, '[]'),
      ('${S.ended}', null, 'failed', now() - interval '1 day', now() - interval '1 day', null, 0, null, null, null)`,
  ],
  6: [`insert into account_tokens (user_id, kind, token_hash, expires_at) values ('${U.ada}', 'password_reset', 'at-hash-1', now() + interval '1 hour')`],
  8: [`insert into session_rsvps (session_id, user_id, response) values ('${S.live}', '${U.ada}', 'yes')`],
  9: [
    `insert into host_profiles (user_id, handle, timezone) values ('${U.teacher}', 'tess', 'America/New_York')`,
    `insert into availability_rules (host_id, day_of_week, start_time, end_time, slot_minutes) values ('${U.teacher}', 1, '09:00', '12:00', 30)`,
    `insert into bookings (id, host_id, guest_name, guest_email, session_id, starts_at, ends_at, status, manage_token_hash) values ('${BOOKING}', '${U.teacher}', 'Bea Booker', 'bea@example.test', '${S.cancelled}', now() + interval '2 days', now() + interval '2 days 30 minutes', 'confirmed', 'mt-hash-1')`,
    `insert into notification_outbox (event_key, event_type, recipient_email, channel, payload) values ('booking.confirmed:${BOOKING}', 'booking.confirmed', 'bea@example.test', 'email', '{}')`,
  ],
  10: [
    `insert into conversations (id, kind, title, session_id, last_seq, created_by) values ('${CONVERSATION}', 'group', 'Physics study group', null, 1, '${U.teacher}')`,
    `insert into conversation_members (conversation_id, user_id, role) values ('${CONVERSATION}', '${U.teacher}', 'owner'), ('${CONVERSATION}', '${U.ada}', 'member')`,
    `insert into messages (id, conversation_id, seq, author_id, client_id, text) values ('${MESSAGE}', '${CONVERSATION}', 1, '${U.ada}', 'c-1', 'Hello')`,
    `insert into message_reactions (message_id, user_id, emoji) values ('${MESSAGE}', '${U.teacher}', '👍')`,
  ],
};

/** The seed statements a database migrated up to migration `n` (inclusive) can hold. */
export function seedsUpTo(n: number): string[] {
  return Object.entries(SEEDS)
    .filter(([k]) => Number(k) <= n)
    .sort(([a], [b]) => Number(a) - Number(b))
    .flatMap(([, statements]) => statements);
}
