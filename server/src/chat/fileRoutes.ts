// Chat files: upload (members; at most 20 MB; an allow-list of types) stored under
// LECTERN_CHAT_FILES_DIR/<conversationId>/<attachmentId> (default ${dataDir}/chat; with many
// API nodes, a directory they share), then attached to a message by id;
// download only for members (images inline, everything else as an attachment).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { FileBody } from '../http/contract.js';
import { DOCUMENT_TYPES, receiveUpload, sendStoredFile } from '../http/uploads.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { ATTACHMENT_MAX_BYTES, Attachment, AttachmentParams, ChatParams } from './contract.js';
import { assertCanUpload, createAttachment, deleteAttachmentRow, findAttachment, newAttachmentId } from './files.js';

export const CHAT_FILE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  ...DOCUMENT_TYPES,
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

export async function chatFileRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  await app.register(fastifyMultipart, { limits: { fileSize: ATTACHMENT_MAX_BYTES, files: 1, fields: 2, fieldSize: 200, parts: 4 } });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['chat'];
  const dirOf = (conversationId: string) => join(ctx.config.chat.filesDir, conversationId);

  r.post('/api/chats/:id/files', {
    onRequest: app.requireAuth,
    schema: {
      tags,
      summary: `Upload a file (multipart, field "file"; at most ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB; ${Object.keys(CHAT_FILE_TYPES).join(', ')}); send it with a message's attachmentIds`,
      params: ChatParams,
      consumes: ['multipart/form-data'],
      response: { 201: Attachment },
    },
  }, async (request, reply) => {
    const who = caller(request);
    const conversationId = request.params.id;
    const id = newAttachmentId();
    await assertCanUpload(ctx, who.userId, conversationId);
    const { path, fileName, contentType, sizeBytes } = await receiveUpload(request, { types: CHAT_FILE_TYPES, maxBytes: ATTACHMENT_MAX_BYTES, dir: dirOf(conversationId), id });
    try {
      return await reply.status(201).send(await createAttachment(ctx, { id, conversationId, uploaderId: who.userId, fileName, contentType, sizeBytes }));
    } catch (err) {
      await rm(path, { force: true });
      await deleteAttachmentRow(ctx, id).catch(() => undefined);
      throw err;
    }
  });

  r.get('/api/chats/:id/files/:aid', {
    onRequest: app.requireAuth,
    schema: { tags, summary: 'Download a file (members only)', params: AttachmentParams, response: { 200: FileBody('application/octet-stream') } },
  }, async (request, reply) => {
    const a = await findAttachment(ctx, caller(request).userId, request.params.id, request.params.aid);
    const inline = a.contentType.startsWith('image/');
    return sendStoredFile(reply, join(dirOf(a.conversationId), a.id), { fileName: a.fileName, contentType: a.contentType, inline, cacheControl: 'private, max-age=3600', missing: 'File is missing' });
  });
}
