// Schedule changes on an existing session or series: edit with a scope, reschedule, cancel,
// host (mentor) assignment, invitees, audit history.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessClaims } from '../auth/tokens.js';
import { ValidationError } from '../errors.js';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { SessionDto } from '../sessions/contract.js';
import { assertCanHost, getSessionRow, viewableSession, type SessionRow } from '../sessions/sessionAccess.js';
import { toSessionDto } from '../sessions/sessionDto.js';
import { CancelBody, HistoryEntry, HostBody, InviteBody, Invitee, InviteeParams, PatchSessionBody, RescheduleBody, ScheduleResult, ScopeQuery } from './contract.js';
import { listHistory } from './historyLog.js';
import { assertCourseUsable, assertInvitable, assertStaff, editableSession, studentsOfCourses } from './scheduleRules.js';
import { assignHost, cancelSessions, changeInvitees, listInvitees, rescheduleSession, updateSessions } from './scheduleService.js';

export async function scheduleRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  type SessionRequest = FastifyRequest & { params: { id: string } };
  const result = async (id: string, affected: number): Promise<ScheduleResult> => ({ session: toSessionDto(await getSessionRow(db, id)), affected });

  /** The caller and the session they may edit (404 to outsiders, 403 to other viewers). */
  async function editing(request: SessionRequest): Promise<{ who: AccessClaims; session: SessionRow }> {
    const who = caller(request);
    return { who, session: await editableSession(db, who, request.params.id) };
  }

  /** A scoped change by an editor, answered with the session and how many occurrences changed. */
  async function edit(request: SessionRequest, change: (who: AccessClaims, session: SessionRow) => Promise<readonly unknown[]>): Promise<ScheduleResult> {
    const { who, session } = await editing(request);
    return result(session.id, (await change(who, session)).length);
  }

  /** The session, hidden from outsiders (404), for those who may host it (403 to other viewers). */
  async function hosting(request: SessionRequest): Promise<SessionRow> {
    const who = caller(request);
    const session = await viewableSession(db, who, request.params.id);
    await assertCanHost(db, who, session);
    return session;
  }

  r.patch(
    '/api/sessions/:id',
    {
      schema: { tags: ['scheduling'], summary: 'Edit a session, or this and the following / all occurrences of its series (host, admin)', params: IdParams, querystring: ScopeQuery, body: PatchSessionBody, response: { 200: ScheduleResult } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) =>
      edit(request, async (who, session) => {
        if (request.body.courseId) await assertCourseUsable(db, who, request.body.courseId);
        const { scheduledAt, ...patch } = request.body;
        return updateSessions(ctx, who, session, request.query.scope, { ...patch, ...(scheduledAt ? { scheduledAt: new Date(scheduledAt) } : {}) });
      }),
  );

  r.post(
    '/api/sessions/:id/reschedule',
    {
      schema: { tags: ['scheduling'], summary: 'Move one occurrence to a new time (reason kept in the history; SEQUENCE bumped)', params: IdParams, body: RescheduleBody, response: { 200: SessionDto } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const { who, session } = await editing(request);
      const b = request.body;
      return toSessionDto(await rescheduleSession(ctx, who, session, { ...b, scheduledAt: new Date(b.scheduledAt) }));
    },
  );

  r.post(
    '/api/sessions/:id/cancel',
    {
      schema: { tags: ['scheduling'], summary: 'Cancel one occurrence, this and the following ones, or the whole series (reason required)', params: IdParams, body: CancelBody, response: { 200: ScheduleResult } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => edit(request, (who, session) => cancelSessions(ctx, who, session, request.body.scope, request.body.reason)),
  );

  r.put(
    '/api/sessions/:id/host',
    {
      schema: { tags: ['scheduling'], summary: 'Assign or reassign the host (mentor assignment; admins only)', params: IdParams, body: HostBody, response: { 200: ScheduleResult } },
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
    { schema: { tags: ['scheduling'], summary: 'Invited people (hosts, co-hosts, admins)', params: IdParams, response: { 200: z.array(Invitee) } }, onRequest: app.requireAuth },
    async (request) => listInvitees(db, (await hosting(request)).id),
  );

  r.post(
    '/api/sessions/:id/invitees',
    {
      schema: { tags: ['scheduling'], summary: 'Invite students one by one or whole courses (to one occurrence or the series scope)', params: IdParams, body: InviteBody, response: { 200: ScheduleResult } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) =>
      edit(request, async (who, session) => {
        const add = [...request.body.userIds, ...(await studentsOfCourses(db, who, request.body.courseIds))];
        if (!add.length) throw new ValidationError('those courses have no students');
        await assertInvitable(db, who, add);
        return changeInvitees(ctx, who, session, request.body.scope, { add, remove: [] });
      }),
  );

  r.delete(
    '/api/sessions/:id/invitees/:userId',
    { schema: { tags: ['scheduling'], summary: 'Uninvite someone', params: InviteeParams, querystring: ScopeQuery, response: { 200: ScheduleResult } }, onRequest: app.requireRole('admin', 'teacher', 'mentor') },
    async (request) => edit(request, (who, session) => changeInvitees(ctx, who, session, request.query.scope, { add: [], remove: [request.params.userId] })),
  );

  r.get(
    '/api/sessions/:id/history',
    { schema: { tags: ['scheduling'], summary: 'Audit history: who changed what, when, before/after and why (hosts, admins)', params: IdParams, response: { 200: z.array(HistoryEntry) } }, onRequest: app.requireAuth },
    async (request) => listHistory(db, (await hosting(request)).id),
  );
}
