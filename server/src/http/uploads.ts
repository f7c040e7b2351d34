// Uploads shared by the features that take files (session materials, chat files): the
// document types both allow (extension -> the content type a stored file is served with),
// receiving one multipart file onto disk, and serving a stored file back.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFields } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, NotFoundError, ValidationError } from '../errors.js';

/** Text, archive and office documents. */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
};

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super('payload_too_large', message, 413);
  }
}

/** A received upload, stored at `path`. */
export interface StoredUpload {
  path: string;
  /** The client's file name without path separators or control characters (at most 200 characters). */
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** The other multipart fields sent before the file. */
  fields: MultipartFields;
}

/**
 * Stores the one file of a multipart request as `dir/id`. Its type comes from `types` by
 * extension (others are refused, 400); a file over `maxBytes` (where the multipart limit
 * cuts it) is removed and refused, 413, and so is what arrived of an upload that broke off.
 */
export async function receiveUpload(
  request: FastifyRequest,
  opts: { types: Readonly<Record<string, string>>; maxBytes: number; dir: string; id: string },
): Promise<StoredUpload> {
  if (!request.isMultipart()) throw new ValidationError('send multipart/form-data with a "file" field');
  const file = await request.file().catch((err: unknown) => {
    throw malformed(err);
  });
  if (!file) throw new ValidationError('no file in the upload');
  const fileName = file.filename.replace(/[\\/\p{Cc}]/gu, '').slice(-200) || 'file';
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const contentType = opts.types[ext];
  if (!contentType) {
    file.file.resume();
    throw new ValidationError(`file type .${ext || '?'} is not allowed (allowed: ${Object.keys(opts.types).join(', ')})`);
  }
  await mkdir(opts.dir, { recursive: true });
  const path = join(opts.dir, opts.id);
  let bodyError: unknown;
  file.file.once('error', (err) => (bodyError = err));
  try {
    await pipeline(file.file, createWriteStream(path));
  } catch (err) {
    // The client hung up or the stream failed mid-file: keep nothing of it.
    await rm(path, { force: true });
    // A request body that breaks off or is not multipart is the client's (400); a disk error stays ours.
    throw err === bodyError || err === file.file.errored ? malformed(err) : err;
  }
  if (file.file.truncated) {
    await rm(path, { force: true });
    throw new PayloadTooLargeError(`file is larger than ${opts.maxBytes / 1024 / 1024} MB`);
  }
  const { size } = await stat(path);
  return { path, fileName, contentType, sizeBytes: size, fields: file.fields };
}

/**
 * A multipart body the parser refused (no boundary, cut off before its end): 400. The
 * plugin's own errors carry their status (413 for a file over the limit) and keep it.
 */
function malformed(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status < 500) return err;
  return new ValidationError(`malformed multipart body: ${err instanceof Error ? err.message : 'unreadable'}`);
}

/**
 * Sends a stored file under its original name (an attachment unless `inline`), never
 * sniffed as another type, with `cacheControl` when given; 404 with `missing` when the file is gone.
 */
export async function sendStoredFile(
  reply: FastifyReply,
  path: string,
  file: { fileName: string; contentType: string; inline?: boolean; cacheControl?: string; missing: string },
): Promise<FastifyReply> {
  const { size } = await stat(path).catch(() => {
    throw new NotFoundError(file.missing);
  });
  const name = file.fileName.replace(/"/g, '');
  if (file.cacheControl) void reply.header('cache-control', file.cacheControl);
  return reply
    .header('content-type', file.contentType)
    .header('content-length', size)
    .header('content-disposition', `${file.inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('x-content-type-options', 'nosniff')
    .send(createReadStream(path));
}
