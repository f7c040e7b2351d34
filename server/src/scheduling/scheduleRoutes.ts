// Schedule changes on an existing session or series: edit with a scope, reschedule, cancel,
// host (mentor) assignment, invitees, audit history.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessClaims } from '../auth/tokens.js';
import { ValidationError } from '../errors.js';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { SessionDto } from '../sessions/contract.js';
import { assertCanHost, assertCanView, getSessionRow, type SessionRow } from '../sessions/sessionAccess.js';
import { toSessionDto } from '../sessions/sessionDto.js';
import { CancelBody, HistoryEntry, HostBody, InviteBody, Invitee, InviteeParams, PatchSessionBody, RescheduleBody, ScheduleResult, ScopeQuery } from './contract.js';
import { listHistory } from './historyLog.js';
import { assertCanEdit, assertCourseUsable, assertInvitable, assertStaff, studentsOfCourses } from './scheduleRules.js';
import { assignHost, cancelSessions, changeInvitees, listInvitees, rescheduleSession, updateSessions } from './scheduleService.js';

export async function scheduleRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
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
      schema: { tags: ['scheduling'], summary: 'Edit a session, or this and the following / all occurrences of its series (host, admin)', params: IdParams, querystring: ScopeQuery, body: PatchSessionBody, response: { 200: ScheduleResult } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      if (request.body.courseId) await assertCourseUsable(db, who, request.body.courseId);
      const { scheduledAt, ...patch } = request.body;
      const rows = await updateSessions(ctx, who, session, request.query.scope, { ...patch, ...(scheduledAt ? { scheduledAt: new Date(scheduledAt) } : {}) });
      return result(session.id, rows.length);
    },
  );

  r.post(
    '/api/sessions/:id/reschedule',
    {
      schema: { tags: ['scheduling'], summary: 'Move one occurrence to a new time (reason kept in the history; SEQUENCE bumped)', params: IdParams, body: RescheduleBody, response: { 200: SessionDto } },
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
      schema: { tags: ['scheduling'], summary: 'Cancel one occurrence, this and the following ones, or the whole series (reason required)', params: IdParams, body: CancelBody, response: { 200: ScheduleResult } },
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
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      const who = caller(request);
      await assertCanView(db, who, session);
      await assertCanHost(db, who, session);
      return listInvitees(db, session.id);
    },
  );

  r.post(
    '/api/sessions/:id/invitees',
    {
      schema: { tags: ['scheduling'], summary: 'Invite students one by one or whole courses (to one occurrence or the series scope)', params: IdParams, body: InviteBody, response: { 200: ScheduleResult } },
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
    { schema: { tags: ['scheduling'], summary: 'Uninvite someone', params: InviteeParams, querystring: ScopeQuery, response: { 200: ScheduleResult } }, onRequest: app.requireRole('admin', 'teacher', 'mentor') },
    async (request) => {
      const who = caller(request);
      const session = await editable(who, request.params.id);
      const rows = await changeInvitees(ctx, who, session, request.query.scope, { add: [], remove: [request.params.userId] });
      return result(session.id, rows.length);
    },
  );

  r.get(
    '/api/sessions/:id/history',
    { schema: { tags: ['scheduling'], summary: 'Audit history: who changed what, when, before/after and why (hosts, admins)', params: IdParams, response: { 200: z.array(HistoryEntry) } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const session = await getSessionRow(db, request.params.id);
      await assertCanView(db, who, session);
      await assertCanHost(db, who, session);
      return listHistory(db, session.id);
    },
  );
}
