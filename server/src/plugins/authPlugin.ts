// Bearer authentication for the API: `request.auth` holds the verified claims (or null).
// Every documented route declares who may call it, once, and the guard it installs is
// that declaration (routeAuth.ts): `onRequest: app.requireAuth` (any signed-in user),
// `app.requireRole(...)` (those roles), `app.requireRoomToken` (a bearer or a room token
// in `?token=`), or `schema.security: []` (public). A route that declares none fails the
// app's start; OpenAPI carries the declaration as `x-lectern-auth`. The guards run in
// onRequest, before body and params validation and any look-up, so a caller without
// credentials always gets 401, never a 400 or 404 that tells them about the route.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { UserRole } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { canonicalRoles, declareGuard, publishRouteAuth } from './routeAuth.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
  interface FastifyInstance {
    requireAuth: onRequestAsyncHookHandler;
    requireRole: (...roles: UserRole[]) => onRequestAsyncHookHandler;
    /** A signed-in user, or a room token in `?token=` (checked in depth by the route). */
    requireRoomToken: onRequestAsyncHookHandler;
  }
}

/** What a role guard answers to the other roles (the auth sweep tells it from a route's own 403s). */
export const roleRefusal = (roles: readonly UserRole[]): string => `Only ${roles.join(', ')} may do this`;

/** The verified caller, or a 401. */
export function caller(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
}

async function authPlugin(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { tokens, accessGate } = opts.ctx;
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match?.[1]) throw new UnauthorizedError('Malformed Authorization header');
    const claims = await tokens.verifyAccess(match[1]);
    await accessGate.check(claims);
    request.auth = claims;
  });
  const requireAuth: onRequestAsyncHookHandler = async (request: FastifyRequest, _reply: FastifyReply) => {
    caller(request);
  };
  app.decorate('requireAuth', declareGuard(requireAuth, { kind: 'user' }));
  app.decorate('requireRole', (...listed: UserRole[]): onRequestAsyncHookHandler => {
    const roles = canonicalRoles(listed);
    const guard: onRequestAsyncHookHandler = async (request: FastifyRequest) => {
      const who = caller(request);
      if (!roles.includes(who.role)) throw new ForbiddenError(roleRefusal(roles));
    };
    return declareGuard(guard, { kind: 'roles', roles });
  });
  const requireRoomToken: onRequestAsyncHookHandler = async (request: FastifyRequest) => {
    const token = (request.query as { token?: unknown } | undefined)?.token;
    if (!request.auth && (typeof token !== 'string' || token === '')) throw new UnauthorizedError();
  };
  app.decorate('requireRoomToken', declareGuard(requireRoomToken, { kind: 'room' }));
  app.addHook('onRoute', publishRouteAuth);
}

export default fp(authPlugin, { name: 'lectern-auth', fastify: '5.x' });
