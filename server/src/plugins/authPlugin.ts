// Bearer authentication for the API: `request.auth` holds the verified claims (or null).
// Routes opt in with `onRequest: app.requireAuth` or `app.requireRole(...)`.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { UserRole } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
  interface FastifyInstance {
    requireAuth: onRequestAsyncHookHandler;
    requireRole: (...roles: UserRole[]) => onRequestAsyncHookHandler;
  }
}

/** The verified caller, or a 401. */
export function caller(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
}

async function authPlugin(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { tokens } = opts.ctx;
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match?.[1]) throw new UnauthorizedError('Malformed Authorization header');
    request.auth = await tokens.verifyAccess(match[1]);
  });
  const requireAuth: onRequestAsyncHookHandler = async (request: FastifyRequest, _reply: FastifyReply) => {
    caller(request);
  };
  app.decorate('requireAuth', requireAuth);
  app.decorate('requireRole', (...roles: UserRole[]): onRequestAsyncHookHandler => {
    return async (request: FastifyRequest) => {
      const who = caller(request);
      if (!roles.includes(who.role)) throw new ForbiddenError();
    };
  });
}

export default fp(authPlugin, { name: 'lectern-auth', fastify: '5.x' });
