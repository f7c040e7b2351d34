import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { joinCodes } from '@lectern/db';
import type { AccessClaims, RoomRole } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../errors.js';
import { IdParams } from '../http/schemas.js';
import { caller } from '../plugins/authPlugin.js';
import { assertCanHost, canHost, getSessionRow, isInvitee, type SessionRow } from '../sessions/sessionAccess.js';
import { codeExpiry, createCode, normaliseCode, resolveCode } from './joinCodes.js';

const JoinBody = z.object({
  code: z.string().trim().min(1).max(32),
  displayName: z.string().trim().min(1, 'enter your name').max(80),
  /** A random secret this browser keeps, so a guest who comes back is the same participant. */
  guestKey: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'must be 22-128 URL-safe characters').optional(),
});
const CodeParams = z.object({ id: z.uuid(), code: z.string().min(1).max(32) });

export async function roomRole(ctx: AppContext, who: AccessClaims | null, session: SessionRow): Promise<RoomRole> {
  if (!who) return 'guest';
  if (session.hostId === who.userId) return 'host';
  if (await canHost(ctx.db, who, session)) return 'cohost';
  if (await isInvitee(ctx.db, session, who.userId)) return 'participant';
  return 'guest';
}

export async function codeRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock, config, counters, tokens } = ctx;
  const joinUrl = (code: string) => `${config.publicUrl}/j/${code}`;
  const codeDto = (c: { code: string; expiresAt: Date; revokedAt: Date | null; createdAt: Date }) => ({
    code: c.code,
    expiresAt: c.expiresAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
    revoked: c.revokedAt !== null,
    url: joinUrl(c.code),
  });

  r.post(
    '/api/sessions/:id/codes',
    { schema: { tags: ['codes'], summary: 'Create a join code (host, co-host, admin): valid until the scheduled end plus LECTERN_CODE_GRACE_MINUTES, or LECTERN_CODE_TTL_MINUTES for an ad-hoc session', params: IdParams }, onRequest: app.requireAuth },
    async (request, reply) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanHost(db, caller(request), session);
      if (session.status === 'completed' || session.status === 'cancelled') throw new ConflictError(`Session is ${session.status}`);
      const expiresAt = codeExpiry(session, clock.now(), config.codes);
      const code = await createCode(db, clock, session.id, caller(request).userId, expiresAt);
      return reply.status(201).send(codeDto(code));
    },
  );

  r.get(
    '/api/sessions/:id/codes',
    { schema: { tags: ['codes'], summary: 'List a session’s join codes', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanHost(db, caller(request), session);
      const rows = await db.select().from(joinCodes).where(eq(joinCodes.sessionId, session.id)).orderBy(desc(joinCodes.createdAt));
      return rows.map(codeDto);
    },
  );

  r.delete(
    '/api/sessions/:id/codes/:code',
    { schema: { tags: ['codes'], summary: 'Revoke a join code', params: CodeParams }, onRequest: app.requireAuth },
    async (request, reply) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanHost(db, caller(request), session);
      const rows = await db
        .update(joinCodes)
        .set({ revokedAt: clock.now() })
        .where(and(eq(joinCodes.sessionId, session.id), eq(joinCodes.code, normaliseCode(request.params.code)), isNull(joinCodes.revokedAt)))
        .returning();
      if (!rows[0]) throw new NotFoundError('Code not found');
      return reply.status(204).send();
    },
  );

  async function limitJoin(request: FastifyRequest): Promise<void> {
    const window = config.codes.rateWindowSeconds;
    const [perIp, global] = await Promise.all([counters.hit(`join:ip:${request.ip}`, window), counters.hit('join:global', window)]);
    if (perIp.count > config.codes.ratePerIp) throw new TooManyRequestsError(perIp.resetSeconds);
    if (global.count > config.codes.rateGlobal) throw new TooManyRequestsError(global.resetSeconds);
  }

  r.post(
    '/api/join',
    {
      schema: {
        tags: ['codes'],
        summary: 'Exchange a join code and a display name for a short-lived room token',
        body: JoinBody,
        security: [],
      },
    },
    async (request) => {
      await limitJoin(request);
      const session = await resolveCode(db, clock, request.body.code);
      const who = request.auth;
      const role = await roomRole(ctx, who, session);
      const { guestKey } = request.body;
      const participantId = who ? who.userId : guestKey ? tokens.guestParticipantId(session.id, guestKey) : `guest:${randomUUID()}`;
      const roomToken = await tokens.signRoom({
        participantId,
        sessionId: session.id,
        role,
        displayName: request.body.displayName,
        userId: who?.userId ?? null,
      });
      return {
        roomToken,
        sessionId: session.id,
        participantId,
        role,
        expiresAt: new Date(clock.now().getTime() + tokens.roomTtlSeconds * 1000).toISOString(),
      };
    },
  );

  r.post(
    '/api/sessions/:id/room-token',
    { schema: { tags: ['codes'], summary: 'A room token for a signed-in host or invitee, without a code', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const session = await getSessionRow(db, request.params.id);
      if (session.status === 'completed' || session.status === 'cancelled') throw new NotFoundError('Session not found');
      const role = await roomRole(ctx, who, session);
      if (role === 'guest') throw new NotFoundError('Session not found');
      const [me] = await db.query.users.findMany({ where: (u, { eq: e }) => e(u.id, who.userId), limit: 1 });
      if (!me) throw new UnauthorizedError();
      const roomToken = await tokens.signRoom({ participantId: who.userId, sessionId: session.id, role, displayName: me.name, userId: who.userId });
      return { roomToken, sessionId: session.id, participantId: who.userId, role, expiresAt: new Date(clock.now().getTime() + tokens.roomTtlSeconds * 1000).toISOString() };
    },
  );
}
