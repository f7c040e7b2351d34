// Admin course views and bulk enrolment. Rows are checked one by one (format, account,
// role, duplicates); only the good ones are enrolled, in one statement.
import { and, asc, count, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { courses, enrolments, sessions, users, type Database } from '@lectern/db';
import { AppError, NotFoundError } from '../errors.js';
import type { SfuClient } from '../sfu/SfuClient.js';
import type { BulkEnrolResult, BulkEnrolRow, CourseSummary, RoomLayout } from './contract.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function listCourses(db: Database, archived: 'exclude' | 'include' | 'only'): Promise<CourseSummary[]> {
  const where = archived === 'exclude' ? isNull(courses.archivedAt) : archived === 'only' ? isNotNull(courses.archivedAt) : undefined;
  const studentCount = db
    .select({ courseId: enrolments.courseId, n: count().as('n') })
    .from(enrolments)
    .groupBy(enrolments.courseId)
    .as('sc');
  const rows = await db
    .select({ c: courses, ownerName: users.name, n: studentCount.n })
    .from(courses)
    .innerJoin(users, eq(users.id, courses.ownerId))
    .leftJoin(studentCount, eq(studentCount.courseId, courses.id))
    .where(where)
    .orderBy(asc(courses.title));
  return rows.map((r) => ({
    id: r.c.id,
    title: r.c.title,
    description: r.c.description,
    ownerId: r.c.ownerId,
    ownerName: r.ownerName,
    archived: r.c.archivedAt !== null,
    studentCount: Number(r.n ?? 0),
    createdAt: r.c.createdAt.toISOString(),
  }));
}

export async function setArchived(db: Database, courseId: string, archived: boolean, now: Date): Promise<CourseSummary> {
  const [row] = await db
    .update(courses)
    .set({ archivedAt: archived ? sql`coalesce(${courses.archivedAt}, ${now.toISOString()}::timestamptz)` : null, updatedAt: now })
    .where(eq(courses.id, courseId))
    .returning({ id: courses.id });
  if (!row) throw new NotFoundError('Course not found');
  const all = await listCourses(db, 'include');
  const found = all.find((c) => c.id === courseId);
  if (!found) throw new NotFoundError('Course not found');
  return found;
}

export async function bulkEnrol(db: Database, courseId: string, rawEmails: readonly string[], dryRun: boolean): Promise<BulkEnrolResult> {
  const [course] = await db.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId));
  if (!course) throw new NotFoundError('Course not found');
  const emails = rawEmails.map((e) => e.trim().replace(/^["']|["']$/g, '').toLowerCase());
  const wellFormed = [...new Set(emails.filter((e) => EMAIL.test(e)))];
  const found = wellFormed.length ? await db.select().from(users).where(inArray(users.email, wellFormed)) : [];
  const byEmail = new Map(found.map((u) => [u.email, u]));
  const ids = found.map((u) => u.id);
  const enrolled = new Set(
    ids.length
      ? (await db.select({ userId: enrolments.userId }).from(enrolments).where(and(eq(enrolments.courseId, courseId), inArray(enrolments.userId, ids)))).map((r) => r.userId)
      : [],
  );
  const seen = new Set<string>();
  const rows: BulkEnrolRow[] = emails.map((email, i) => {
    const row = i + 1;
    if (!email) return { row, email, status: 'error', message: 'The row is empty.' };
    if (!EMAIL.test(email)) return { row, email, status: 'error', message: 'This is not an email address.' };
    if (seen.has(email)) return { row, email, status: 'error', message: 'This address is listed twice; the earlier row counts.' };
    seen.add(email);
    const u = byEmail.get(email);
    if (!u) return { row, email, status: 'error', message: 'No account uses this address. Create the user first.' };
    if (u.role !== 'student') return { row, email, status: 'error', message: `${u.name} is a ${u.role}, not a student.`, name: u.name, userId: u.id };
    if (u.disabled) return { row, email, status: 'error', message: `${u.name}'s account is disabled.`, name: u.name, userId: u.id };
    if (enrolled.has(u.id)) return { row, email, status: 'already', name: u.name, userId: u.id };
    return { row, email, status: 'enrol', name: u.name, userId: u.id };
  });
  const toEnrol = rows.filter((r) => r.status === 'enrol' && r.userId).map((r) => r.userId!);
  let n = 0;
  if (!dryRun && toEnrol.length) {
    const inserted = await db
      .insert(enrolments)
      .values(toEnrol.map((userId) => ({ courseId, userId })))
      .onConflictDoNothing()
      .returning({ userId: enrolments.userId });
    n = inserted.length;
  }
  return { rows, enrolled: n, errors: rows.filter((r) => r.status === 'error').length };
}

/**
 * Where a session's room runs. The room id is the session id (as the gateway names it); a
 * room lives on its home node and on every node a participant of it was placed on. Only a live session is asked about, so
 * looking does not place a room; a live session whose room is gone (nobody joined yet, or
 * its node died) answers empty `nodes`.
 */
export async function roomLayout(db: Database, sfu: Pick<SfuClient, 'callNode' | 'routing'> | undefined, sessionId: string): Promise<RoomLayout> {
  const [session] = await db.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, sessionId));
  if (!session) throw new NotFoundError('Session not found');
  if (!sfu) throw new AppError('not_available', 'No SFU is reachable from this server', 501);
  if (session.status !== 'live') return { nodes: [] };
  const nodeIds = await sfu.routing.roomNodes(sessionId);
  const nodes = await Promise.all(
    nodeIds.map(async (nodeId) => {
      try {
        const { routers } = await sfu.callNode(nodeId, 'roomLayout', { roomId: sessionId });
        return [{ nodeId, routers }];
      } catch (err) {
        if ((err as { code?: unknown }).code === 'room_not_found') return [];
        throw err;
      }
    }),
  );
  return { nodes: nodes.flat() };
}
