// Schedule changes on an existing session or series: edit with a scope, reschedule, cancel,
// host (mentor) assignment, invitees, audit history.
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GUEST_ACCESS, SESSION_MODES, SESSION_TYPES, sessionInvitees, users } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { IdParams, TimeZone } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { assertCanHost, assertCanView, getSessionRow, type SessionRow } from '../sessions/sessionAccess.js';
import { toSessionDto } from '../sessions/sessionDto.js';
import { listHistory } from './historyLog.js';
import { assertCanEdit, assertCourseUsable, assertInvitable, assertStaff, studentsOfCourses } from './scheduleRules.js';
import { assignHost, cancelSessions, changeInvitees, rescheduleSession, SCOPES, updateSessions } from './scheduleService.js';

const ScopeQuery = z.object({
  scope: z.enum(SCOPES).default('one').describe('one: this occurrence; following: this and later scheduled ones of the series; all: every scheduled one'),
});
const Reason = z.string().trim().min(1, 'a reason is required').max(500);

const PatchBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(10_000),
    type: z.enum(SESSION_TYPES),
    mode: z.enum(SESSION_MODES),
    durationMinutes: z.number().int().min(5).max(24 * 60),
    guestAccess: z.enum(GUEST_ACCESS),
    participantLimit: z.number().int().min(2).max(1000).nullable(),
    courseId: z.uuid().nullable(),
    meetingUrl: z.url().max(2000).nullable(),
    priceCents: z.number().int().min(0).max(10_000_000),
    currency: z.string().length(3),
    localTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
      .describe("new local time of day for each occurrence in the scope (in each one's own zone): a reschedule"),
    reason: Reason,
  })
  .partial();

const RescheduleBody = z.object({
  scheduledAt: z.iso.datetime({ offset: true }),
  timezone: TimeZone.optional(),
  durationMinutes: z.number().int().min(5).max(24 * 60).optional(),
  reason: Reason,
});
const CancelBody = z.object({ reason: Reason, scope: z.enum(SCOPES).default('one') });
const HostBody = z.object({ hostId: z.uuid(), scope: z.enum(SCOPES).default('one'), reason: z.string().max(500).optional() });
const InviteBody = z
  .object({ userIds: z.array(z.uuid()).max(1000).default([]), courseIds: z.array(z.uuid()).max(50).default([]), scope: z.enum(SCOPES).default('one') })
  .refine((b) => b.userIds.length + b.courseIds.length > 0, 'give userIds or courseIds');
const InviteeParams = z.object({ id: z.uuid(), userId: z.uuid() });

export async function scheduleRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  /** Loads the session, hides it from outsiders (404) and refuses non-editors (403). */
  async function editable(who: AccessClaims, id: string): Promise<SessionRow> {
    const session = await getSessionRow(db, id);
    await assertCanView(db, who, session);
    assertCanEdit(who, session);
    return session;
  }
  const result = async (id: string, affected: number) => ({ session: toSessionDto(await getSessionRow(db, id)), affected });

  r.patch(
    '/api/sessions/:id',
    {
      schema: { tags: ['scheduling'], summary: 'Edit a session, or this and the following / all occurrences of its series (host, admin)', params: IdParams, querystring: ScopeQuery, body: PatchBody },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      if (request.body.courseId) await assertCourseUsable(db, who, request.body.courseId);
      const rows = await updateSessions(ctx, who, session, request.query.scope, request.body);
      return result(session.id, rows.length);
    },
  );

  r.post(
    '/api/sessions/:id/reschedule',
    {
      schema: { tags: ['scheduling'], summary: 'Move one occurrence to a new time (reason kept in the history; SEQUENCE bumped)', params: IdParams, body: RescheduleBody },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      const b = request.body;
      return toSessionDto(await rescheduleSession(ctx, who, session, { ...b, scheduledAt: new Date(b.scheduledAt) }));
    },
  );

  r.post(
    '/api/sessions/:id/cancel',
    {
      schema: { tags: ['scheduling'], summary: 'Cancel one occurrence, this and the following ones, or the whole series (reason required)', params: IdParams, body: CancelBody },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      const rows = await cancelSessions(ctx, who, session, request.body.scope, request.body.reason);
      return result(session.id, rows.length);
    },
  );

  r.put(
    '/api/sessions/:id/host',
    {
      schema: { tags: ['scheduling'], summary: 'Assign or reassign the host (mentor assignment; admins only)', params: IdParams, body: HostBody },
      onRequest: app.requireRole('admin'),
    },
    async (request) => {
      const who = caller(request);
      const session = await getSessionRow(db, request.params.id);
      await assertStaff(db, [request.body.hostId], 'hostId');
      const rows = await assignHost(ctx, who, session, request.body.scope, request.body.hostId, request.body.reason);
      return result(session.id, rows.length);
    },
  );

  r.get(
    '/api/sessions/:id/invitees',
    { schema: { tags: ['scheduling'], summary: 'Invited people (hosts, co-hosts, admins)', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      const who = caller(request);
      await assertCanView(db, who, session);
      await assertCanHost(db, who, session);
      const rows = await db
        .select({ id: users.id, name: users.name, email: users.email, rsvp: sessionInvitees.rsvp })
        .from(sessionInvitees)
        .innerJoin(users, eq(users.id, sessionInvitees.userId))
        .where(eq(sessionInvitees.sessionId, session.id))
        .orderBy(asc(users.name));
      return rows;
    },
  );

  r.post(
    '/api/sessions/:id/invitees',
    {
      schema: { tags: ['scheduling'], summary: 'Invite students one by one or whole courses (to one occurrence or the series scope)', params: IdParams, body: InviteBody },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      const add = [...request.body.userIds, ...(await studentsOfCourses(db, who, request.body.courseIds))];
      if (!add.length) throw new ValidationError('those courses have no students');
      await assertInvitable(db, who, add);
      const rows = await changeInvitees(ctx, who, session, request.body.scope, { add, remove: [] });
      return result(session.id, rows.length);
    },
  );

  r.delete(
    '/api/sessions/:id/invitees/:userId',
    { schema: { tags: ['scheduling'], summary: 'Uninvite someone', params: InviteeParams, querystring: ScopeQuery }, onRequest: app.requireRole('admin', 'teacher', 'mentor') },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      const rows = await changeInvitees(ctx, who, session, request.query.scope, { add: [], remove: [request.params.userId] });
      return result(session.id, rows.length);
    },
  );

  r.get(
    '/api/sessions/:id/history',
    { schema: { tags: ['scheduling'], summary: 'Audit history: who changed what, when, before/after and why (hosts, admins)', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const session = await getSessionRow(db, request.params.id);
      await assertCanView(db, who, session);
      await assertCanHost(db, who, session);
      return listHistory(db, session.id);
    },
  );
}
