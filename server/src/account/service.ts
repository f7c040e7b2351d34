// Password change (current password required; every refresh token of the account revoked)
// and password reset by email: a random token, stored as its SHA-256, single-use and valid
// for RESET_TOKEN_MINUTES, mailed through the notification outbox's email channel.
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { accountTokens, notificationOutbox, refreshTokens, users, type Executor } from '@lectern/db';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { revokeUserTokens, signOutEverywhere } from '../auth/signOut.js';
import type { AppContext } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { sha256 } from '../setup/service.js';
import { findUserByEmail, getUser } from '../users/userService.js';
import { RESET_TOKEN_MINUTES, type ChangePasswordBody } from './contract.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'config' | 'counters' | 'logger' | 'accessGate'>;

export const RESET_REQUEST_MESSAGE =
  'If an account uses this address, we have sent it a link to choose a new password. The link works once, for 30 minutes.';

/** A new refresh-token family for the caller (after everything else was revoked). */
async function issueRefresh(db: Executor, userId: string, now: Date, ttlDays: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
  await db.insert(refreshTokens).values({ userId, familyId: randomUUID(), tokenHash: sha256(token), expiresAt, createdAt: now });
  return { token, expiresAt };
}

/**
 * Checks the current password, stores the new one and revokes every refresh token of the
 * account; returns a fresh refresh token so the browser that changed it stays signed in.
 */
export async function changePassword(ctx: Ctx, userId: string, body: ChangePasswordBody): Promise<{ token: string; expiresAt: Date }> {
  const user = await getUser(ctx.db, userId);
  if (!(await verifyPassword(body.currentPassword, user.passwordHash))) throw new ValidationError('Your current password is not right.');
  if (body.newPassword === body.currentPassword) throw new ValidationError('Choose a new password that differs from the current one.');
  const passwordHash = await hashPassword(body.newPassword, ctx.config.auth.scryptLogN);
  const now = ctx.clock.now();
  const fresh = await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId));
    await revokeUserTokens(tx, userId, now);
    return issueRefresh(tx, userId, now, ctx.config.auth.refreshTokenTtlDays);
  });
  await signOutEverywhere(ctx, userId); // this tab gets a new access token with its new refresh cookie
  return fresh;
}

/** Mails a reset link when the address has an active account; silent either way. */
export async function requestPasswordReset(ctx: Ctx, email: string): Promise<void> {
  // At most 5 mails per address per hour; beyond that, the same answer and no mail.
  const hit = await ctx.counters.hit(`reset:${email}`, 3600);
  if (hit.count > 5) return;
  const user = await findUserByEmail(ctx.db, email);
  if (!user || user.disabled) return;
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + RESET_TOKEN_MINUTES * 60_000);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(accountTokens)
      .values({ kind: 'password_reset', userId: user.id, tokenHash: sha256(token), expiresAt, createdAt: now })
      .returning({ id: accountTokens.id });
    if (!row) throw new Error('insert returned no row');
    await tx.insert(notificationOutbox).values({
      eventKey: `password-reset:${row.id}`,
      eventType: 'account.password_reset',
      recipientId: user.id,
      channel: 'email',
      payload: {
        title: 'Reset your Lectern password',
        body: `Someone (we hope you) asked to reset the password of the Lectern account ${user.email}. Open the link below to choose a new one; it works once, for ${RESET_TOKEN_MINUTES} minutes. If it was not you, ignore this email: your password stays as it is.`,
        link: `/reset/${token}`,
        expiresAt: expiresAt.toISOString(),
      },
    });
  });
  ctx.logger.info({ userId: user.id }, 'password reset mail queued');
}

/** Sets a new password with a live reset token; kills it and every other reset token of the account, and signs it out everywhere. */
export async function confirmPasswordReset(ctx: Ctx, token: string, newPassword: string): Promise<void> {
  const passwordHash = await hashPassword(newPassword, ctx.config.auth.scryptLogN);
  const now = ctx.clock.now();
  const userId = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.kind, 'password_reset'), eq(accountTokens.tokenHash, sha256(token)), isNull(accountTokens.usedAt)))
      .returning();
    if (!row?.userId || !row.expiresAt || row.expiresAt <= now) {
      throw new NotFoundError('This reset link has expired or was already used. Ask for a new one.');
    }
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, row.userId));
    await tx
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.userId, row.userId), eq(accountTokens.kind, 'password_reset'), isNull(accountTokens.usedAt)));
    await revokeUserTokens(tx, row.userId, now);
    return row.userId;
  });
  await signOutEverywhere(ctx, userId);
}
