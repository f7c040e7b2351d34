// Chat attachment rows (the bytes live under the data dir; see fileRoutes.ts).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { chatAttachments } from '@lectern/db';
import type { AppContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import type { Attachment } from './contract.js';
import { assertMember } from './service.js';

type Row = typeof chatAttachments.$inferSelect;

export const newAttachmentId = (): string => randomUUID();

const toDto = (a: Row): Attachment => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, url: `/api/chats/${a.conversationId}/files/${a.id}` });

export async function createAttachment(ctx: AppContext, a: { id: string; conversationId: string; uploaderId: string; fileName: string; contentType: string; sizeBytes: number }): Promise<Attachment> {
  await assertMember(ctx, a.conversationId, a.uploaderId);
  const [row] = await ctx.db.insert(chatAttachments).values({ ...a, createdAt: ctx.clock.now() }).returning();
  return toDto(row!);
}
/** Members only may upload (checked before the bytes are read). */
export async function assertCanUpload(ctx: AppContext, userId: string, conversationId: string): Promise<void> {
  await assertMember(ctx, conversationId, userId);
}

export async function deleteAttachmentRow(ctx: AppContext, id: string): Promise<void> {
  await ctx.db.delete(chatAttachments).where(eq(chatAttachments.id, id));
}

/** The attachment, for a member of its conversation only (404 otherwise). */
export async function findAttachment(ctx: AppContext, userId: string, conversationId: string, id: string): Promise<Row> {
  await assertMember(ctx, conversationId, userId);
  const [row] = await ctx.db.select().from(chatAttachments).where(and(eq(chatAttachments.id, id), eq(chatAttachments.conversationId, conversationId)));
  if (!row) throw new NotFoundError('File not found');
  return row;
}
