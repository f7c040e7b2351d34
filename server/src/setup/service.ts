// First-run setup: while no user exists (and no LECTERN_ADMIN_* created one), each API
// process mints a random one-time token, stores only its hash and logs the /setup/TOKEN
// link. POST /api/setup with a live token creates the first admin and kills every setup
// token in the same transaction, so the link works once.
import { createHash, randomBytes } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { accountTokens, users, type Executor } from '@lectern/db';
import type { AppContext } from '../context.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { hashPassword } from '../auth/passwords.js';
import type { SetupResult } from './contract.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

export async function setupNeeded(db: Executor): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

/** Mints a setup token when the database has no user; returns the token (to print as a link), or null. */
export async function issueSetupToken(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<string | null> {
  if (!(await setupNeeded(ctx.db))) return null;
  const token = randomBytes(32).toString('base64url');
  await ctx.db.insert(accountTokens).values({ kind: 'setup', tokenHash: sha256(token), createdAt: ctx.clock.now() });
  return token;
}

/** Logs the one-time setup link of an empty database (API processes, after listening). */
export async function announceSetup(ctx: Pick<AppContext, 'db' | 'clock' | 'logger'>, baseUrl: string): Promise<void> {
  const token = await issueSetupToken(ctx);
  if (!token) return;
  const url = `${baseUrl}/setup/${token}`;
  ctx.logger.warn({ setupUrl: url }, `No user exists yet. Open ${url} to create the first admin (the link works once).`);
}

/** Creates the first admin with a live setup token. 409 once any user exists; 404 for a wrong or used token. */
export async function completeSetup(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, body: { token: string; email: string; password: string; name: string }): Promise<SetupResult> {
  if (!(await setupNeeded(ctx.db))) throw new ConflictError('Setup is already complete: sign in instead');
  const passwordHash = await hashPassword(body.password, ctx.config.auth.scryptLogN);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [mine] = await tx
      .select({ id: accountTokens.id })
      .from(accountTokens)
      .where(and(eq(accountTokens.kind, 'setup'), eq(accountTokens.tokenHash, sha256(body.token)), isNull(accountTokens.usedAt)));
    if (!mine) {
      if (!(await setupNeeded(tx))) throw new ConflictError('Setup is already complete: sign in instead');
      throw new NotFoundError('This setup link is not valid. Use the newest link from the server log.');
    }
    // Kill every setup token at once: a concurrent request blocks on these rows and then finds none.
    const killed = await tx
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.kind, 'setup'), isNull(accountTokens.usedAt)))
      .returning({ id: accountTokens.id });
    if (!killed.some((k) => k.id === mine.id)) throw new ConflictError('Setup is already complete: sign in instead');
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(users);
    if (n > 0) throw new ConflictError('Setup is already complete: sign in instead');
    const [user] = await tx
      .insert(users)
      .values({ email: body.email, name: body.name.trim(), role: 'admin', passwordHash, createdAt: now, updatedAt: now })
      .returning();
    if (!user) throw new Error('insert returned no row');
    return { user: { id: user.id, email: user.email, name: user.name, role: 'admin' as const } };
  });
}

