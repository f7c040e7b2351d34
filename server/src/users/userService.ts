import { count, eq } from 'drizzle-orm';
import { users, type Database, type UserRole } from '@lectern/db';
import { hashPassword } from '../auth/passwords.js';
import { ConflictError, NotFoundError } from '../errors.js';

export type UserRow = typeof users.$inferSelect;

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  timezone: string;
  disabled: boolean;
  createdAt: string;
}

export function toPublicUser(u: UserRow): PublicUser {
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
  return createUser(db, { email: opts.email, name: 'Administrator', password: opts.password, role: 'admin' }, opts.scryptLogN);
}
