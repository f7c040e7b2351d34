// Test data for notification suites: courses, sessions, invitees, enrolments.
import { courses, enrolments, sessionInvitees, sessions, type Database } from '@lectern/db';
import type { DbKind } from '@lectern/db/testing';
import { createTestApp, type TestApp } from '../../test/harness.js';
import type { Dispatcher } from '../Dispatcher.js';
import { createDispatcher, createChannels } from '../startNotifications.js';

/** A notification suite's app: a test app (with `env`, its clock at `at` when given), a dispatcher on its real channels, and a teacher, Ada. */
export async function openDispatchApp(kind: DbKind, opts: { env?: Record<string, string>; at?: string } = {}): Promise<{ t: TestApp; d: Dispatcher; teacher: Awaited<ReturnType<TestApp['userWithToken']>> }> {
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
