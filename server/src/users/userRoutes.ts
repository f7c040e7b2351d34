import { and, asc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { users } from '@lectern/db';
import { hashPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { Email, IdParams, Name, Password, Role, TimeZone } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { createUser, getUser, toPublicUser } from './userService.js';

const CreateUserBody = z.object({ email: Email, name: Name, password: Password, role: Role, timezone: TimeZone.optional() });
const UpdateUserBody = z
  .object({ name: Name, role: Role, password: Password, timezone: TimeZone, disabled: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
const ListQuery = z.object({
  role: Role.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const UpdateMeBody = z.object({ name: Name, timezone: TimeZone }).partial();

export async function userRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = ctx;

  r.post(
    '/api/users',
    { schema: { tags: ['users'], summary: 'Create a user (admin)', body: CreateUserBody }, onRequest: app.requireRole('admin') },
    async (request, reply) => {
      const user = await createUser(db, request.body, config.auth.scryptLogN);
      return reply.status(201).send(toPublicUser(user));
    },
  );

  r.get(
    '/api/users',
    {
      schema: { tags: ['users'], summary: 'List users (admin: all; teacher/mentor: students only)', querystring: ListQuery },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => {
      const who = caller(request);
      const { role, q, limit, offset } = request.query;
      if (who.role !== 'admin' && role !== 'student') throw new ForbiddenError('Only admins can list non-student users');
      const conds: SQL[] = [];
      if (role) conds.push(eq(users.role, role));
      if (q) {
        const like = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
        const match = or(ilike(users.name, like), ilike(users.email, like));
        if (match) conds.push(match);
      }
      const rows = await db
        .select()
        .from(users)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(users.name))
        .limit(limit)
        .offset(offset);
      return rows.map(toPublicUser);
    },
  );

  r.get(
    '/api/users/:id',
    { schema: { tags: ['users'], summary: 'One user (admin)', params: IdParams }, onRequest: app.requireRole('admin') },
    async (request) => toPublicUser(await getUser(db, request.params.id)),
  );

  r.patch(
    '/api/users/:id',
    {
      schema: { tags: ['users'], summary: 'Update a user: name, role, password, disable (admin)', params: IdParams, body: UpdateUserBody },
      onRequest: app.requireRole('admin'),
    },
    async (request) => {
      const { password, ...rest } = request.body;
      const patch: Partial<typeof users.$inferInsert> = { ...rest, updatedAt: ctx.clock.now() };
      if (password) patch.passwordHash = await hashPassword(password, config.auth.scryptLogN);
      const [row] = await db.update(users).set(patch).where(eq(users.id, request.params.id)).returning();
      if (!row) throw new NotFoundError('User not found');
      return toPublicUser(row);
    },
  );

  r.patch(
    '/api/me',
    { schema: { tags: ['users'], summary: 'Update my name or time zone', body: UpdateMeBody }, onRequest: app.requireAuth },
    async (request) => {
      const [row] = await db
        .update(users)
        .set({ ...request.body, updatedAt: ctx.clock.now() })
        .where(eq(users.id, caller(request).userId))
        .returning();
      if (!row) throw new NotFoundError('User not found');
      return toPublicUser(row);
    },
  );
}
