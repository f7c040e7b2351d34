// Test data for notification suites: courses, sessions, invitees, enrolments.
import { courses, enrolments, sessionInvitees, sessions, type Database } from '@lectern/db';
import type { DbKind } from '@lectern/db/testing';
import { createTestApp, type TestApp, type TestUser } from '../../test/harness.js';
import type { Dispatcher } from '../Dispatcher.js';
import { createDispatcher, createChannels } from '../startNotifications.js';

/** A notification suite's app: a test app (with `env`, its clock at `at` when given), a dispatcher on its real channels, and a teacher, Ada. */
export async function openDispatchApp(kind: DbKind, opts: { env?: Record<string, string>; at?: string } = {}): Promise<{ t: TestApp; d: Dispatcher; teacher: TestUser }> {
  const t = await createTestApp(kind, opts.env ? { env: opts.env } : {});
  let d: Dispatcher | undefined;
  try {
    if (opts.at) t.clock.set(opts.at);
    d = await createDispatcher(t.runtime.ctx, createChannels(t.runtime.ctx));
    return { t, d, teacher: await t.userWithToken('teacher', 'Ada Teacher') };
  } catch (err) {
    await d?.close();
    await t.close();
    throw err;
  }
}


export async function insertSession(
  db: Database,
  s: { hostId: string; title?: string; scheduledAt: Date; invitees?: string[]; courseId?: string; offsets?: number[] | null; timezone?: string },
): Promise<string> {
  const [row] = await db
    .insert(sessions)
    .values({
      title: s.title ?? 'Algebra II',
      scheduledAt: s.scheduledAt,
      durationMinutes: 45,
      timezone: s.timezone ?? 'Europe/Berlin',
      hostId: s.hostId,
      courseId: s.courseId ?? null,
      reminderOffsetsMinutes: s.offsets ?? null,
    })
    .returning({ id: sessions.id });
  const id = row!.id;
  if (s.invitees?.length) await db.insert(sessionInvitees).values(s.invitees.map((userId) => ({ sessionId: id, userId })));
  return id;
}

export async function insertCourse(db: Database, ownerId: string, students: string[]): Promise<string> {
  const [c] = await db.insert(courses).values({ title: 'Physics', ownerId }).returning({ id: courses.id });
  if (students.length) await db.insert(enrolments).values(students.map((userId) => ({ courseId: c!.id, userId })));
  return c!.id;
}

/** A teacher, Tess Teacher, and the two students of her course, Sam Student and Ada Student. */
export async function classroom(t: TestApp): Promise<{ teacher: TestUser; s1: TestUser; s2: TestUser }> {
  const teacher = await t.userWithToken('teacher', 'Tess Teacher');
  const s1 = await t.userWithToken('student', 'Sam Student');
  const s2 = await t.userWithToken('student', 'Ada Student');
  await insertCourse(t.runtime.ctx.db, teacher.id, [s1.id, s2.id]);
  return { teacher, s1, s2 };
}
