// Chat files: upload (members; at most 20 MB; an allow-list of types) stored under
// LECTERN_CHAT_FILES_DIR/<conversationId>/<attachmentId> (default ${dataDir}/chat; with many
// API nodes, a directory they share), then attached to a message by id;
// download only for members (images inline, everything else as an attachment).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, ValidationError } from '../errors.js';
import { FileBody } from '../http/contract.js';
import { DOCUMENT_TYPES } from '../http/uploads.js';
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
    if (!request.isMultipart()) throw new ValidationError('send multipart/form-data with a "file" field');
    const file = await request.file();
    if (!file) throw new ValidationError('no file in the upload');
    const fileName = file.filename.replace(/[\\/\p{Cc}]/gu, '').slice(-200) || 'file';
    const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
    const contentType = CHAT_FILE_TYPES[ext];
    if (!contentType) {
      file.file.resume();
      throw new ValidationError(`file type .${ext || '?'} is not allowed (allowed: ${Object.keys(CHAT_FILE_TYPES).join(', ')})`);
    }
    await mkdir(dirOf(conversationId), { recursive: true });
    const path = join(dirOf(conversationId), id);
    await pipeline(file.file, createWriteStream(path));
    if (file.file.truncated) {
      await rm(path, { force: true });
      throw new AppError('payload_too_large', `file is larger than ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`, 413);
    }
    const { size } = await stat(path);
    try {
      return await reply.status(201).send(await createAttachment(ctx, { id, conversationId, uploaderId: who.userId, fileName, contentType, sizeBytes: size }));
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
    const path = join(dirOf(a.conversationId), a.id);
    const { size } = await stat(path).catch(() => {
      throw new AppError('not_found', 'File is missing', 404);
    });
    const name = a.fileName.replace(/"/g, '');
    const inline = a.contentType.startsWith('image/');
    return reply
      .header('content-type', a.contentType)
      .header('content-length', size)
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=3600')
      .send(createReadStream(path));
  });
}
