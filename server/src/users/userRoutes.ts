// /api/users (admin management; teachers and mentors may list students) and PATCH /api/me.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { revokeUserTokens, signOutEverywhere } from '../auth/signOut.js';
import { ForbiddenError } from '../errors.js';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { CreateUserBody, UpdateMeBody, UpdateUserBody, User, UserListQuery } from './contract.js';
import { createUser, getUser, listUsers, toPublicUser, updateUser } from './userService.js';

export async function userRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = ctx;
  const tags = ['users'];

  r.post(
    '/api/users',
    { schema: { tags, summary: 'Create a user (admin)', body: CreateUserBody, response: { 201: User } }, onRequest: app.requireRole('admin') },
    async (request, reply) => {
      const user = await createUser(db, request.body, config.auth.scryptLogN);
      return reply.status(201).send(toPublicUser(user));
    },
  );

  r.get(
    '/api/users',
    {
      schema: { tags, summary: 'List users (admin: all; teacher/mentor: students only)', querystring: UserListQuery, response: { 200: z.array(User) } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      if (caller(request).role !== 'admin' && request.query.role !== 'student') throw new ForbiddenError('Only admins can list non-student users');
      return listUsers(db, request.query);
    },
  );

  r.get(
    '/api/users/:id',
    { schema: { tags, summary: 'One user (admin)', params: IdParams, response: { 200: User } }, onRequest: app.requireRole('admin') },
    async (request) => toPublicUser(await getUser(db, request.params.id)),
  );

  r.patch(
    '/api/users/:id',
    {
      schema: { tags, summary: 'Update a user: name, role, password, disable (admin)', params: IdParams, body: UpdateUserBody, response: { 200: User } },
      onRequest: app.requireRole('admin'),
    },
    async (request) => {
      const { password, role, disabled } = request.body;
      // A new password, role or a disable ends the user's sessions (they sign in again).
      const endSessions = password !== undefined || role !== undefined || disabled === true;
      const user = await updateUser(db, request.params.id, request.body, ctx.clock.now(), config.auth.scryptLogN);
      if (endSessions) {
        await revokeUserTokens(db, user.id, ctx.clock.now());
        await signOutEverywhere(ctx, user.id);
      }
      return user;
    },
  );

  r.patch(
    '/api/me',
    { schema: { tags, summary: 'Update my name or time zone', body: UpdateMeBody, response: { 200: User } }, onRequest: app.requireAuth },
    async (request) => updateUser(db, caller(request).userId, request.body, ctx.clock.now(), config.auth.scryptLogN),
  );
}
