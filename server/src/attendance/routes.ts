// Attendance HTTP API: a session's report (JSON or CSV), corrections with their audit
// trail, RSVPs, and reports per student, course and host, plus the admin overview.
import { eq } from 'drizzle-orm';
import { courses } from '@lectern/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, found, NotFoundError, ValidationError } from '../errors.js';
import { FileBody, IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { assertCanView, getSessionRow } from '../sessions/sessionAccess.js';
import {
  AuditEntry,
  CourseReport,
  CorrectionBody,
  HostReport,
  Overview,
  OverviewTrend,
  ParticipantParams,
  ParticipantRecord,
  RangeQuery,
  ReportQuery,
  RsvpBody,
  RsvpResult,
  SessionReport,
  StudentReport,
  TrendQuery,
} from './contract.js';
import { canCorrectSession, canReadSessionReport, readableSessions, teachesCourse } from './access.js';
import { auditTrail, correctAttendance, respond, type Correction } from './corrections.js';
import { attendanceCsv, csvDisposition, CSV_CONTENT_TYPE } from './csv.js';
import { adminOverview, overviewTrend } from './overview.js';
import { courseReport, hostReport, studentReport, type DateRange } from './reportService.js';
import { buildSessionReport, totalsOf, type ReportOptions } from './sessionReport.js';

/** A date alone means its whole day (UTC): `to=2026-01-31` includes the 31st. */
export function toRange(q: RangeQuery): DateRange {
  const parse = (v: string | undefined, endOfDay: boolean) => {
    if (!v) return undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(Date.parse(`${v}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0));
    return new Date(v);
  };
  const r = { from: parse(q.from, false), to: parse(q.to, true) };
  if (r.from && r.to && r.from >= r.to) throw new ValidationError('from must be before to');
  return r;
}

export async function attendanceRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const graceMinutes = ctx.config.attendance.lateGraceMinutes;
  const opts = (): ReportOptions => ({ now: clock.now(), graceMinutes });

  r.get(
    '/api/sessions/:id/attendance',
    {
      schema: {
        tags: ['attendance'],
        summary: 'Attendance of a session, one entry per participant (host, co-hosts, course teachers, admins; others see their own entry). ?format=csv for a spreadsheet',
        params: IdParams,
        querystring: ReportQuery,
        response: {
          200: {
            description: 'The report as JSON, or as CSV with ?format=csv',
            content: { 'application/json': { schema: SessionReport }, 'text/csv': { schema: FileBody('text/csv') } },
          },
        },
      },
      onRequest: app.requireAuth,
    },
    async (request, reply) => {
      const who = caller(request);
      const session = await getSessionRow(db, request.params.id);
      const full = await canReadSessionReport(db, who, session);
      if (!full) await assertCanView(db, who, session);
      const report = await buildSessionReport(db, session, opts());
      if (!full) {
        // Only their own row: no class totals, no head count.
        report.participants = report.participants.filter((p) => p.participantId === who.userId);
        report.totals = totalsOf(report.participants, 0);
        report.timeline = [];
      }
      if (request.query.format === 'csv') {
        return reply.header('content-type', CSV_CONTENT_TYPE).header('content-disposition', csvDisposition(report)).send(attendanceCsv(report));
      }
      return report;
    },
  );

  r.put(
    '/api/sessions/:id/attendance/:participantId',
    {
      schema: { tags: ['attendance'], summary: 'Correct or excuse a participant (audited)', params: ParticipantParams, body: CorrectionBody, response: { 200: ParticipantRecord } },
      onRequest: app.requireAuth,
    },
    async (request) => correct(request, request.body),
  );

  r.delete(
    '/api/sessions/:id/attendance/:participantId',
    {
      schema: { tags: ['attendance'], summary: 'Clear a correction: the captured status applies again (audited)', params: ParticipantParams, response: { 200: ParticipantRecord } },
      onRequest: app.requireAuth,
    },
    async (request) => correct(request, { status: null }),
  );

  r.get(
    '/api/sessions/:id/attendance/audit',
    { schema: { tags: ['attendance'], summary: 'Who corrected what, when, from and to', params: IdParams, response: { 200: z.array(AuditEntry) } }, onRequest: app.requireAuth },
    async (request) => {
      return auditTrail(db, (await reportable(caller(request), request.params.id)).id);
    },
  );

  r.post(
    '/api/sessions/:id/rsvp',
    { schema: { tags: ['attendance'], summary: 'Accept or decline an invitation', params: IdParams, body: RsvpBody, response: { 200: RsvpResult } }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      return respond(db, session, caller(request).userId, request.body.response);
    },
  );

  r.get(
    '/api/me/attendance',
    { schema: { tags: ['attendance'], summary: 'My attendance across sessions', querystring: RangeQuery, response: { 200: StudentReport } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      return found(await studentReport(db, who.userId, toRange(request.query), opts(), undefined), 'User not found');
    },
  );

  r.get(
    '/api/reports/students/:id',
    {
      schema: { tags: ['reports'], summary: 'A student across sessions: rate, minutes, late count (self, admins; teachers see their own sessions)', params: IdParams, querystring: RangeQuery, response: { 200: StudentReport } },
      onRequest: app.requireAuth,
    },
    async (request) => {
      const who = caller(request);
      const self = who.userId === request.params.id;
      if (!self && who.role === 'student') throw new NotFoundError('User not found');
      const restrict = self ? undefined : await readableSessions(db, who);
      return found(await studentReport(db, request.params.id, toRange(request.query), opts(), restrict), 'User not found');
    },
  );

  r.get(
    '/api/reports/courses/:id',
    {
      schema: { tags: ['reports'], summary: 'A course: attendance per session over time and per student (course teachers, admins)', params: IdParams, querystring: RangeQuery, response: { 200: CourseReport } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      if (!(await teachesCourse(db, caller(request), request.params.id))) {
        const [course] = await db.select({ id: courses.id }).from(courses).where(eq(courses.id, request.params.id));
        if (!course) throw new NotFoundError('Course not found');
        throw new ForbiddenError('Only the course’s teacher or an admin can see its report');
      }
      return found(await courseReport(db, request.params.id, toRange(request.query), opts()), 'Course not found');
    },
  );

  r.get(
    '/api/reports/hosts/:id',
    {
      schema: { tags: ['reports'], summary: 'A teacher or mentor: sessions held and average attendance (self, admins)', params: IdParams, querystring: RangeQuery, response: { 200: HostReport } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      if (who.role !== 'admin' && who.userId !== request.params.id) throw new ForbiddenError('Only admins can see other hosts’ reports');
      return found(await hostReport(db, request.params.id, toRange(request.query), opts()), 'User not found');
    },
  );

  r.get(
    '/api/admin/overview',
    { schema: { tags: ['reports'], summary: 'Totals, live now, participants, meetings, revenue (admins)', querystring: RangeQuery, response: { 200: Overview } }, onRequest: app.requireRole('admin') },
    async (request) => adminOverview(db, clock.now(), toRange(request.query)),
  );

  r.get(
    '/api/admin/overview/trend',
    { schema: { tags: ['reports'], summary: 'Sessions held and attendance rate per week (admins)', querystring: TrendQuery, response: { 200: OverviewTrend } }, onRequest: app.requireRole('admin') },
    async (request) => overviewTrend(db, toRange(request.query), request.query.timezone, opts()),
  );

  /** Corrects (or with `status: null` clears) a participant's status, audited: the session's hosts and admins. */
  async function correct(request: FastifyRequest & { params: { id: string; participantId: string } }, change: Correction): Promise<ParticipantRecord> {
    const who = caller(request);
    const session = await reportable(who, request.params.id);
    if (!(await canCorrectSession(db, who, session))) throw new ForbiddenError('Only the session’s hosts can change attendance');
    return correctAttendance({ db, clock, graceMinutes }, session, request.params.participantId, who.userId, change);
  }

  /** The session `id`, when `who` may read its full report. */
  async function reportable(who: ReturnType<typeof caller>, id: string): Promise<Awaited<ReturnType<typeof getSessionRow>>> {
    const session = await getSessionRow(db, id);
    if (await canReadSessionReport(db, who, session)) return session;
    await assertCanView(db, who, session); // outsiders: 404
    throw new ForbiddenError('Only the session’s hosts and the course’s teacher can see the full report');
  }
}
