import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { setRefreshCookie } from '../auth/authRoutes.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { ChangePasswordBody, NoContent, ResetConfirmBody, ResetRequestBody, ResetRequestResult } from './contract.js';
import { changePassword, confirmPasswordReset, requestPasswordReset, RESET_REQUEST_MESSAGE } from './service.js';

export async function accountRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/me/password',
    {
      schema: {
        tags: ['account'],
        summary: 'Change my password (current password required); signs out every other session',
        body: ChangePasswordBody,
        response: { 204: NoContent },
      },
      onRequest: app.requireAuth,
    },
    async (request, reply) => {
      const refresh = await changePassword(ctx, caller(request).userId, request.body);
      setRefreshCookie(reply, ctx.config, refresh);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/auth/password-reset',
    {
      schema: {
        tags: ['account'],
        summary: 'Email a one-time password reset link (30 minutes); the same answer whether the address has an account or not',
        security: [],
        body: ResetRequestBody,
        response: { 202: ResetRequestResult },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.email);
      return reply.status(202).send({ message: RESET_REQUEST_MESSAGE });
    },
  );

  r.post(
    '/api/auth/password-reset/confirm',
    {
      schema: {
        tags: ['account'],
        summary: 'Choose a new password with a reset link token (single use); signs out every session',
        security: [],
        body: ResetConfirmBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(ctx, request.body.token, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );
}
