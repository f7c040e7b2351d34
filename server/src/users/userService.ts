import { and, asc, count, eq, ilike, or, type SQL } from 'drizzle-orm';
import { users, type Database, type UserRole } from '@lectern/db';
import type { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { User, UserListQuery } from './contract.js';

export type UserRow = typeof users.$inferSelect;


export function toPublicUser(u: UserRow): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    timezone: u.timezone,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
  };
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: UserRole;
  timezone?: string | undefined;
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export async function createUser(db: Database, input: NewUser, scryptLogN: number): Promise<UserRow> {
  const passwordHash = await hashPassword(input.password, scryptLogN);
  try {
    const [row] = await db
      .insert(users)
      .values({
        email: input.email.trim().toLowerCase(),
        name: input.name.trim(),
        role: input.role,
        passwordHash,
        timezone: input.timezone ?? 'UTC',
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('A user with this email already exists');
    throw err;
  }
}

export async function getUser(db: Database, id: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw new NotFoundError('User not found');
  return row;
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row;
}

/** On an empty database, creates the first admin from LECTERN_ADMIN_EMAIL/PASSWORD. */
export async function ensureFirstAdmin(
  db: Database,
  opts: { email: string | undefined; password: string | undefined; scryptLogN: number },
): Promise<UserRow | null> {
  if (!opts.email || !opts.password) return null;
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return null;
  try {
    return await createUser(db, { email: opts.email, name: 'Administrator', password: opts.password, role: 'admin' }, opts.scryptLogN);
  } catch (err) {
    // Another node created the first admin between the count and the insert: that is the goal reached, not a failure.
    if (err instanceof ConflictError) return null;
    throw err;
  }
}

/** Users matching a role and a name/email search, by name, one page. */
export async function listUsers(db: Database, q: z.output<typeof UserListQuery>): Promise<User[]> {
  const conds: SQL[] = [];
  if (q.role) conds.push(eq(users.role, q.role));
  if (q.q) {
    const like = `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const match = or(ilike(users.name, like), ilike(users.email, like));
    if (match) conds.push(match);
  }
  const rows = await db
    .select()
    .from(users)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(users.name))
    .limit(q.limit)
    .offset(q.offset);
  return rows.map(toPublicUser);
}

/** Changes a user's fields (a new password is hashed); 404 when there is no such user. */
export async function updateUser(
  db: Database,
  id: string,
  patch: { name?: string | undefined; role?: UserRole | undefined; password?: string | undefined; timezone?: string | undefined; disabled?: boolean | undefined },
  now: Date,
  scryptLogN: number,
): Promise<User> {
  const { password, ...rest } = patch;
  const set: Partial<typeof users.$inferInsert> = { ...rest, updatedAt: now };
  if (password) set.passwordHash = await hashPassword(password, scryptLogN);
  const [row] = await db.update(users).set(set).where(eq(users.id, id)).returning();
  if (!row) throw new NotFoundError('User not found');
  return toPublicUser(row);
}
