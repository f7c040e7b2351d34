// Manual corrections (excuse, mark present/late/absent) with an audit trail, and RSVPs.
// A correction and its audit row are written in one transaction; the session row is
// locked so two teachers correcting at once each record the status the other left.
import { and, asc, eq, sql } from 'drizzle-orm';
import { attendanceAudit, attendanceOverrides, enrolments, sessionInvitees, sessions, users, type Database } from '@lectern/db';
import type { Clock } from '../clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { SessionRow } from '../sessions/sessionAccess.js';
import type { AuditEntry, CorrectableStatus, ParticipantRecord, ReportStatus, RsvpBody, RsvpResult } from './contract.js';
import { buildSessionReport, type ReportOptions } from './sessionReport.js';

export interface CorrectionDeps {
  db: Database;
  clock: Clock;
  graceMinutes: number;
}

export interface Correction {
  /** null clears the correction: the computed status applies again. */
  status: CorrectableStatus | null;
  note?: string | undefined;
}

export async function correctAttendance(
  deps: CorrectionDeps,
  session: SessionRow,
  participantId: string,
  byUserId: string,
  change: Correction,
): Promise<ParticipantRecord> {
  const note = change.note?.trim() ?? '';
  if (change.status === 'excused' && note === '') throw new ValidationError('An excuse needs a note');
  const opts = (): ReportOptions => ({ now: deps.clock.now(), graceMinutes: deps.graceMinutes });
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from ${sessions} where ${sessions.id} = ${session.id} for update`);
    const before = (await buildSessionReport(tx, session, opts())).participants.find((p) => p.participantId === participantId);
    if (!before) throw new NotFoundError('No such participant in this session');
    const now = deps.clock.now();
    if (change.status === null) {
      if (!before.corrected) return;
      await tx.delete(attendanceOverrides).where(and(eq(attendanceOverrides.sessionId, session.id), eq(attendanceOverrides.participantId, participantId)));
    } else {
      const values = { status: change.status, note, updatedBy: byUserId, updatedAt: now };
      await tx
        .insert(attendanceOverrides)
        .values({ sessionId: session.id, participantId, ...values })
        .onConflictDoUpdate({ target: [attendanceOverrides.sessionId, attendanceOverrides.participantId], set: values });
    }
    await tx.insert(attendanceAudit).values({
      sessionId: session.id,
      participantId,
      changedBy: byUserId,
      changedAt: now,
      beforeStatus: before.status,
      beforeNote: before.note,
      afterStatus: change.status,
      afterNote: change.status === null ? null : note,
    });
  });
  const after = (await buildSessionReport(deps.db, session, opts())).participants.find((p) => p.participantId === participantId);
  if (!after) throw new NotFoundError('No such participant in this session');
  return after;
}

export async function auditTrail(db: Database, sessionId: string): Promise<AuditEntry[]> {
  const rows = await db
    .select({ a: attendanceAudit, by: users.name })
    .from(attendanceAudit)
    .leftJoin(users, eq(users.id, attendanceAudit.changedBy))
    .where(eq(attendanceAudit.sessionId, sessionId))
    .orderBy(asc(attendanceAudit.changedAt));
  return rows.map(({ a, by }) => ({
    id: a.id,
    participantId: a.participantId,
    changedBy: a.changedBy,
    changedByName: by,
    changedAt: a.changedAt.toISOString(),
    // The columns are text; only statuses of the contract are ever written (see correctAttendance).
    before: { status: a.beforeStatus as ReportStatus, note: a.beforeNote },
    after: { status: a.afterStatus as CorrectableStatus | null, note: a.afterNote },
  }));
}

/** An invitee (or a student enrolled in the session's course) answers the invitation. */
export async function respond(db: Database, session: SessionRow, userId: string, response: RsvpBody['response']): Promise<RsvpResult> {
  if (session.status === 'completed' || session.status === 'cancelled') throw new ConflictError(`Session is ${session.status}`);
  const [invited] = await db
    .select()
    .from(sessionInvitees)
    .where(and(eq(sessionInvitees.sessionId, session.id), eq(sessionInvitees.userId, userId)));
  if (!invited) {
    const enrolled = session.courseId
      ? await db.select().from(enrolments).where(and(eq(enrolments.courseId, session.courseId), eq(enrolments.userId, userId)))
      : [];
    if (enrolled.length === 0) throw new NotFoundError('Session not found');
  }
  await db
    .insert(sessionInvitees)
    .values({ sessionId: session.id, userId, rsvp: response })
    .onConflictDoUpdate({ target: [sessionInvitees.sessionId, sessionInvitees.userId], set: { rsvp: response } });
  return { sessionId: session.id, userId, rsvp: response };
}
