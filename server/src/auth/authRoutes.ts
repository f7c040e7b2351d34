import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { refreshTokens } from '@lectern/db';
import type { Config } from '../config.js';
import { NoContent } from '../http/contract.js';
import { UnauthorizedError } from '../errors.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { User } from '../users/contract.js';
import { findUserByEmail, getUser, toPublicUser } from '../users/userService.js';
import { AuthResponse, LoginBody, RefreshBody } from './contract.js';
import { LoginThrottle } from './loginThrottle.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

export const REFRESH_COOKIE = 'lectern_refresh';
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Hands the browser its refresh token: an HTTP-only cookie sent only to /api/auth. */
export function setRefreshCookie(reply: FastifyReply, config: Config, refresh: { token: string; expiresAt: Date }): void {
  void reply.setCookie(REFRESH_COOKIE, refresh.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.publicUrl.startsWith('https://'),
    path: '/api/auth',
    expires: refresh.expiresAt,
  });
}


export async function authRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, tokens, counters, clock, config } = ctx;
  const throttle = new LoginThrottle(counters, config.auth);

  async function issueRefresh(userId: string, familyId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(clock.now().getTime() + config.auth.refreshTokenTtlDays * 86_400_000);
    await db.insert(refreshTokens).values({ userId, familyId, tokenHash: sha256(token), expiresAt });
    return { token, expiresAt };
  }

  r.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], summary: 'Sign in with email and password', security: [], body: LoginBody, response: { 200: AuthResponse } } },
    async (request, reply) => {
      const { email, password } = request.body;
      await throttle.admit(email, request.ip);
      const user = await findUserByEmail(db, email);
      // Verify against a dummy hash for unknown emails so timing does not reveal accounts.
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash(config.auth.scryptLogN)));
      if (!user || !ok || user.disabled) {
        await throttle.failed(email, request.ip);
        throw new UnauthorizedError('Wrong email or password');
      }
      await throttle.succeeded(email, request.ip);
      const accessToken = await tokens.signAccess({ userId: user.id, role: user.role });
      const refresh = await issueRefresh(user.id, randomUUID());
      setRefreshCookie(reply, config, refresh);
      return {
        accessToken,
        refreshToken: refresh.token,
        expiresIn: config.auth.accessTokenTtlSeconds,
        user: toPublicUser(user),
      };
    },
  );

  r.post(
    '/api/auth/refresh',
    { schema: { tags: ['auth'], summary: 'Rotate a refresh token (cookie or body) for a new access token', security: [], body: RefreshBody, response: { 200: AuthResponse } } },
    async (request, reply) => {
      const presented = request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
      if (!presented) throw new UnauthorizedError('No refresh token');
      const now = clock.now();
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(presented)));
      if (!row || row.revokedAt || row.expiresAt <= now) throw new UnauthorizedError('Invalid refresh token');
      if (row.rotatedAt) {
        // Reuse of a rotated token: someone holds a stolen copy. End the whole family.
        await db
          .update(refreshTokens)
          .set({ revokedAt: now })
          .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
        throw new UnauthorizedError('Invalid refresh token');
      }
      const rotated = await db
        .update(refreshTokens)
        .set({ rotatedAt: now })
        .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.rotatedAt)))
        .returning({ id: refreshTokens.id });
      if (rotated.length === 0) throw new UnauthorizedError('Invalid refresh token');
      const user = await getUser(db, row.userId);
      if (user.disabled) throw new UnauthorizedError('Account disabled');
      const accessToken = await tokens.signAccess({ userId: user.id, role: user.role });
      const refresh = await issueRefresh(user.id, row.familyId);
      setRefreshCookie(reply, config, refresh);
      return { accessToken, refreshToken: refresh.token, expiresIn: config.auth.accessTokenTtlSeconds, user: toPublicUser(user) };
    },
  );

  r.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Revoke the refresh token family', security: [], body: RefreshBody, response: { 204: NoContent } } },
    async (request, reply) => {
      const presented = request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
      if (presented) {
        const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(presented)));
        if (row) {
          await db
            .update(refreshTokens)
            .set({ revokedAt: clock.now() })
            .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
        }
      }
      void reply.clearCookie(REFRESH_COOKIE, { path: '/api/auth' });
      return reply.status(204).send(null);
    },
  );

  r.get('/api/me', { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: User } }, onRequest: app.requireAuth }, async (request) => {
    const user = await getUser(db, caller(request).userId);
    return toPublicUser(user);
  });

}
