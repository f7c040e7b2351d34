import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CODE_GUEST_PREFIX, type AccessClaims, type RoomRole } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import type { RouteDeps } from '../routes.js';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../errors.js';
import { IdParams, NoContent } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { canHost, getSessionRow, hostableSession, isInvitee, type SessionRow } from '../sessions/sessionAccess.js';
import { getUser } from '../users/userService.js';
import { CodeParams, JoinBody, JoinCode, ReplacedCodes, RoomTicket } from './contract.js';
import { codeExpiry, createCode, listCodes, replaceCodes, resolveCode, revokeCode } from './joinCodes.js';


export async function roomRole(ctx: AppContext, who: AccessClaims | null, session: SessionRow): Promise<RoomRole> {
  if (!who) return 'guest';
  if (session.hostId === who.userId) return 'host';
  if (await canHost(ctx.db, who, session)) return 'cohost';
  if (await isInvitee(ctx.db, session, who.userId)) return 'participant';
  return 'guest';
}

export async function codeRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock, config, counters, tokens } = ctx;
  const joinUrl = (code: string) => `${config.publicUrl}/j/${code}`;
  const codeDto = (c: { code: string; expiresAt: Date; revokedAt: Date | null; createdAt: Date }): JoinCode => ({
    code: c.code,
    expiresAt: c.expiresAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
    revoked: c.revokedAt !== null,
    url: joinUrl(c.code),
  });

  r.post(
    '/api/sessions/:id/codes',
    {
      schema: {
        tags: ['codes'],
        summary: 'Create a join code (host, co-host, admin): valid until the scheduled end plus LECTERN_CODE_GRACE_MINUTES, or LECTERN_CODE_TTL_MINUTES for an ad-hoc session',
        params: IdParams,
        response: { 201: JoinCode },
      },
      onRequest: app.requireAuth,
    },
    async (request, reply) => {
      const session = await hostableSession(db, caller(request), request.params.id);
      if (session.status === 'completed' || session.status === 'cancelled') throw new ConflictError(`Session is ${session.status}`);
      const expiresAt = codeExpiry(session, clock.now(), config.codes);
      const code = await createCode(db, clock, session.id, caller(request).userId, expiresAt);
      return reply.status(201).send(codeDto(code));
    },
  );

  r.post(
    '/api/sessions/:id/codes/replace',
    {
      schema: {
        tags: ['codes'],
        summary: 'Replace the join codes (host, co-host, admin): every live code stops working and a new one is made',
        params: IdParams,
        response: { 201: ReplacedCodes },
      },
      onRequest: app.requireAuth,
    },
    async (request, reply) => {
      const who = caller(request);
      const session = await hostableSession(db, who, request.params.id);
      if (session.status === 'completed' || session.status === 'cancelled') throw new ConflictError(`Session is ${session.status}`);
      const { code, revoked } = await replaceCodes(db, clock, session.id, who.userId, codeExpiry(session, clock.now(), config.codes));
      return reply.status(201).send({ code: codeDto(code), revoked });
    },
  );

  r.get(
    '/api/sessions/:id/codes',
    { schema: { tags: ['codes'], summary: 'List a session’s join codes', params: IdParams, response: { 200: z.array(JoinCode) } }, onRequest: app.requireAuth },
    async (request) => {
      const session = await hostableSession(db, caller(request), request.params.id);
      return (await listCodes(db, session.id)).map(codeDto);
    },
  );

  r.delete(
    '/api/sessions/:id/codes/:code',
    { schema: { tags: ['codes'], summary: 'Revoke a join code', params: CodeParams, response: { 204: NoContent } }, onRequest: app.requireAuth },
    async (request, reply) => {
      const session = await hostableSession(db, caller(request), request.params.id);
      if (!(await revokeCode(db, clock, session.id, request.params.code))) throw new NotFoundError('Code not found');
      return reply.status(204).send(null);
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
        response: { 200: RoomTicket },
        security: [],
      },
    },
    async (request) => {
      await limitJoin(request);
      const session = await resolveCode(db, clock, request.body.code);
      const who = request.auth;
      const role = await roomRole(ctx, who, session);
      const { guestKey } = request.body;
      const participantId = who ? who.userId : guestKey ? tokens.guestParticipantId(session.id, guestKey) : `${CODE_GUEST_PREFIX}${randomUUID()}`;
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
    { schema: { tags: ['codes'], summary: 'A room token for a signed-in host or invitee, without a code', params: IdParams, response: { 200: RoomTicket } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const session = await getSessionRow(db, request.params.id);
      if (session.status === 'completed' || session.status === 'cancelled') throw new NotFoundError('Session not found');
      const role = await roomRole(ctx, who, session);
      if (role === 'guest') throw new NotFoundError('Session not found');
      const me = await getUser(db, who.userId).catch(() => {
        throw new UnauthorizedError();
      });
      const roomToken = await tokens.signRoom({ participantId: who.userId, sessionId: session.id, role, displayName: me.name, userId: who.userId });
      return { roomToken, sessionId: session.id, participantId: who.userId, role, expiresAt: new Date(clock.now().getTime() + tokens.roomTtlSeconds * 1000).toISOString() };
    },
  );
}
