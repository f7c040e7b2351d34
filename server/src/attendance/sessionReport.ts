// Builds attendance reports for one or many sessions from the captured intervals, the
// invitees and course enrolments (who was expected), RSVPs and the teacher's corrections.
// Loads in a handful of batched queries, then computes in memory.
import { eq, inArray } from 'drizzle-orm';
import {
  attendanceIntervals,
  attendanceOverrides,
  enrolments,
  sessionCohosts,
  sessionInvitees,
  users,
  type AttendanceStatus,
  type Executor,
} from '@lectern/db';
import type { SessionRow } from '../sessions/sessionAccess.js';
import { STALE_MS } from '../gateway/attendance.js';
import { coveredMs, effectiveSpan, headCount, peak, unionSpans, type Span } from './intervals.js';
import type { ParticipantRecord, Rsvp, SessionReport, SessionTotals } from './contract.js';
import { attended, computeStatus } from './status.js';

export interface ReportOptions {
  now: Date;
  graceMinutes: number;
  staleMs?: number;
}

const HOST_ROLES = new Set(['host', 'cohost']);
const CHUNK = 500;

export const isHeld = (s: Pick<SessionRow, 'status' | 'startedAt'>): boolean =>
  s.status === 'live' || s.status === 'completed' || (s.startedAt !== null && s.status !== 'cancelled');

async function chunked<T>(ids: string[], load: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const minutes = (ms: number) => Math.round(ms / 6_000) / 10;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function buildSessionReports(db: Executor, rows: SessionRow[], opts: ReportOptions): Promise<Map<string, SessionReport>> {
  const ids = rows.map((s) => s.id);
  const courseIds = [...new Set(rows.map((s) => s.courseId).filter((c): c is string => c !== null))];
  const [intervals, invitees, enrolled, cohosts, overrides] = await Promise.all([
    chunked(ids, (part) =>
      db
        .select({ i: attendanceIntervals, accountName: users.name })
        .from(attendanceIntervals)
        .leftJoin(users, eq(users.id, attendanceIntervals.userId))
        .where(inArray(attendanceIntervals.sessionId, part))
        .then((rows) => rows.map((r) => ({ ...r.i, accountName: r.accountName }))),
    ),
    chunked(ids, (part) =>
      db
        .select({ sessionId: sessionInvitees.sessionId, userId: sessionInvitees.userId, rsvp: sessionInvitees.rsvp, name: users.name })
        .from(sessionInvitees)
        .innerJoin(users, eq(users.id, sessionInvitees.userId))
        .where(inArray(sessionInvitees.sessionId, part)),
    ),
    chunked(courseIds, (part) =>
      db
        .select({ courseId: enrolments.courseId, userId: enrolments.userId, since: enrolments.createdAt, name: users.name })
        .from(enrolments)
        .innerJoin(users, eq(users.id, enrolments.userId))
        .where(inArray(enrolments.courseId, part)),
    ),
    chunked(ids, (part) => db.select().from(sessionCohosts).where(inArray(sessionCohosts.sessionId, part))),
    chunked(ids, (part) => db.select().from(attendanceOverrides).where(inArray(attendanceOverrides.sessionId, part))),
  ]);
  const bySession = {
    intervals: groupBy(intervals, (r) => r.sessionId),
    invitees: groupBy(invitees, (r) => r.sessionId),
    cohosts: groupBy(cohosts, (r) => r.sessionId),
    overrides: groupBy(overrides, (r) => r.sessionId),
  };
  const byCourse = groupBy(enrolled, (r) => r.courseId);
  const out = new Map<string, SessionReport>();
  for (const s of rows) {
    out.set(
      s.id,
      buildOne(s, opts, {
        intervals: bySession.intervals.get(s.id) ?? [],
        invitees: bySession.invitees.get(s.id) ?? [],
        enrolled: s.courseId ? (byCourse.get(s.courseId) ?? []) : [],
        cohosts: new Set((bySession.cohosts.get(s.id) ?? []).map((c) => c.userId)),
        overrides: new Map((bySession.overrides.get(s.id) ?? []).map((o) => [o.participantId, o])),
      }),
    );
  }
  return out;
}

export async function buildSessionReport(db: Executor, row: SessionRow, opts: ReportOptions): Promise<SessionReport> {
  const report = (await buildSessionReports(db, [row], opts)).get(row.id);
  if (!report) throw new Error('report missing');
  return report;
}

interface Loaded {
  intervals: (typeof attendanceIntervals.$inferSelect & { accountName: string | null })[];
  invitees: { userId: string; rsvp: Rsvp; name: string }[];
  enrolled: { userId: string; since: Date; name: string }[];
  cohosts: Set<string>;
  overrides: Map<string, { status: AttendanceStatus; note: string }>;
}

interface Draft {
  participantId: string;
  userId: string | null;
  name: string;
  role: string;
  expected: boolean;
  rsvp: Rsvp | null;
  spans: Span[];
  open: boolean;
  lastJoin: number;
  count: number;
}

function buildOne(s: SessionRow, opts: ReportOptions, d: Loaded): SessionReport {
  const now = opts.now.getTime();
  const held = isHeld(s);
  const sessionEnd = s.endedAt ? s.endedAt.getTime() : s.scheduledAt.getTime() + s.durationMinutes * 60_000;
  const endCtx = { now, staleMs: opts.staleMs ?? STALE_MS, endedAt: s.endedAt ? s.endedAt.getTime() : null };
  const drafts = new Map<string, Draft>();
  const draft = (participantId: string, init: () => Omit<Draft, 'spans' | 'open' | 'lastJoin' | 'count'>): Draft => {
    let x = drafts.get(participantId);
    if (!x) {
      x = { ...init(), spans: [], open: false, lastJoin: -Infinity, count: 0 };
      drafts.set(participantId, x);
    }
    return x;
  };
  const isStaff = (userId: string) => userId === s.hostId || d.cohosts.has(userId);
  for (const inv of d.invitees) {
    if (isStaff(inv.userId)) continue;
    const x = draft(inv.userId, () => ({ participantId: inv.userId, userId: inv.userId, name: inv.name, role: 'participant', expected: true, rsvp: inv.rsvp }));
    x.rsvp = inv.rsvp;
  }
  for (const e of d.enrolled) {
    if (isStaff(e.userId) || e.since.getTime() > sessionEnd) continue;
    draft(e.userId, () => ({ participantId: e.userId, userId: e.userId, name: e.name, role: 'participant', expected: true, rsvp: null }));
  }
  for (const i of [...d.intervals].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())) {
    const x = draft(i.participantId, () => ({ participantId: i.participantId, userId: i.userId, name: i.displayName, role: i.role, expected: false, rsvp: null }));
    // Signed-in people go by their account name; guests by the name they last typed.
    x.name = i.accountName ?? i.displayName;
    x.role = i.role;
    x.userId ??= i.userId;
    const span = effectiveSpan(i, endCtx);
    x.spans.push(span);
    x.count += 1;
    x.lastJoin = Math.max(x.lastJoin, span.start);
    if (span.end === now && !i.leftAt) x.open = true;
  }
  const participants = [...drafts.values()].map((x) => toRecord(x, s, held, opts, d.overrides.get(x.participantId)));
  participants.sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.name.localeCompare(b.name) || a.participantId.localeCompare(b.participantId));
  const counts = headCount([...drafts.values()].map((x) => x.spans));
  // Open connections end "now": that is not a leave, so the live tail is left open.
  const timeline = counts.filter((p) => p.at !== now).map((p) => ({ at: new Date(p.at).toISOString(), count: p.count }));
  return {
    session: {
      id: s.id,
      title: s.title,
      status: s.status,
      scheduledAt: s.scheduledAt.toISOString(),
      startedAt: iso(s.startedAt),
      endedAt: iso(s.endedAt),
      durationMinutes: s.durationMinutes,
      timezone: s.timezone,
      courseId: s.courseId,
      hostId: s.hostId,
    },
    timezone: s.timezone,
    lateGraceMinutes: opts.graceMinutes,
    totals: totalsOf(participants, peak(counts)),
    participants,
    timeline,
    generatedAt: opts.now.toISOString(),
  };
}

function roleRank(role: string): number {
  return role === 'host' ? 0 : role === 'cohost' ? 1 : 2;
}

function toRecord(x: Draft, s: SessionRow, held: boolean, opts: ReportOptions, override: { status: AttendanceStatus; note: string } | undefined): ParticipantRecord {
  const union = unionSpans(x.spans);
  const first = union[0];
  const last = union.at(-1);
  const ms = coveredMs(union);
  const base = { session: s, held, graceMinutes: opts.graceMinutes, firstJoinAt: first ? new Date(first.start) : null, rsvp: x.rsvp };
  return {
    participantId: x.participantId,
    userId: x.userId,
    name: x.name,
    role: x.role,
    expected: x.expected,
    rsvp: x.rsvp,
    status: computeStatus({ ...base, override: override?.status ?? null }),
    computedStatus: computeStatus({ ...base, override: null }),
    corrected: override !== undefined,
    note: override ? override.note : null,
    firstJoinAt: first ? new Date(first.start).toISOString() : null,
    lastLeaveAt: last && !x.open ? new Date(last.end).toISOString() : null,
    inRoomNow: x.open,
    minutesPresent: minutes(ms),
    secondsPresent: Math.round(ms / 1000),
    intervals: x.count,
    spans: union.map((u) => ({ start: new Date(u.start).toISOString(), end: new Date(u.end).toISOString() })),
  };
}

/** Invited people by status (adding up to `expected`), guests apart, hosts not counted. */
export function totalsOf(participants: ParticipantRecord[], peakHeadCount: number): SessionTotals {
  const t: SessionTotals = { expected: 0, attended: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0, guests: 0, unexpected: 0, rate: null, peakHeadCount };
  for (const p of participants) {
    if (HOST_ROLES.has(p.role)) continue;
    if (!p.expected) {
      t.guests += 1;
      if (attended(p.status)) t.unexpected += 1;
      continue;
    }
    t.expected += 1;
    if (p.status === 'present') t.present += 1;
    else if (p.status === 'late') t.late += 1;
    else if (p.status === 'absent') t.absent += 1;
    else if (p.status === 'excused') t.excused += 1;
    else t.pending += 1;
  }
  t.attended = t.present + t.late;
  const counted = t.expected - t.excused;
  t.rate = counted > 0 ? t.attended / counted : null;
  return t;
}
