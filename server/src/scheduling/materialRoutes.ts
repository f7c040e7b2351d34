// Session materials: links, and uploaded files (size and type limited) stored under
// ${dataDir}/materials/<sessionId>/<materialId>, served only to those who can view the session.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Material } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { FileBody, IdParams } from '../http/contract.js';
import { receiveUpload, sendStoredFile } from '../http/uploads.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { SessionDto } from '../sessions/contract.js';
import { viewableSession, type SessionRow } from '../sessions/sessionAccess.js';
import { toSessionDto } from '../sessions/sessionDto.js';
import { LinkBody, MaterialParams } from './contract.js';
import { MATERIAL_MAX_BYTES, MATERIAL_TYPES, MATERIALS_PER_SESSION, saveMaterials } from './materialService.js';
import { editableSession } from './scheduleRules.js';


export async function materialRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  await app.register(fastifyMultipart, { limits: { fileSize: MATERIAL_MAX_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 10 } });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = ctx;
  const dirOf = (sessionId: string) => join(config.dataDir, 'materials', sessionId);

  const save = (who: AccessClaims, session: SessionRow, next: Material[], note: Record<string, unknown>) => saveMaterials(ctx, who.userId, session, next, note);

  function assertRoom(session: SessionRow): void {
    if (session.materials.length >= MATERIALS_PER_SESSION) throw new ValidationError(`at most ${MATERIALS_PER_SESSION} materials per session`);
  }

  r.post(
    '/api/sessions/:id/materials',
    { schema: { tags: ['materials'], summary: 'Add a link to the session materials (host, admin)', params: IdParams, body: LinkBody, response: { 201: SessionDto } }, onRequest: app.requireAuth },
    async (request, reply) => {
      const who = caller(request);
      const session = await editableSession(db, who, request.params.id);
      assertRoom(session);
      const m: Material = { id: randomUUID(), kind: 'link', title: request.body.title, url: request.body.url };
      const row = await save(who, session, [...session.materials, m], { added: m });
      return reply.status(201).send(toSessionDto(row));
    },
  );

  r.post(
    '/api/sessions/:id/materials/files',
    {
      schema: {
        tags: ['materials'],
        summary: `Upload a file (multipart/form-data, field "file", optional field "title"; at most ${MATERIAL_MAX_BYTES / 1024 / 1024} MB; ${Object.keys(MATERIAL_TYPES).join(', ')})`,
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 201: SessionDto },
      },
      onRequest: app.requireAuth,
    },
    async (request, reply) => {
      const who = caller(request);
      const session = await editableSession(db, who, request.params.id);
      assertRoom(session);
      const id = randomUUID();
      const { path, fileName, contentType, sizeBytes, fields } = await receiveUpload(request, { types: MATERIAL_TYPES, maxBytes: MATERIAL_MAX_BYTES, dir: dirOf(session.id), id });
      const titleField = fields.title;
      const title = titleField && 'value' in titleField && typeof titleField.value === 'string' && titleField.value.trim() ? titleField.value.trim().slice(0, 200) : fileName;
      const m: Material = {
        id,
        kind: 'file',
        title,
        url: `/api/sessions/${session.id}/materials/${id}`,
        fileName,
        sizeBytes,
        contentType,
      };
      try {
        const row = await save(who, session, [...session.materials, m], { added: m });
        return await reply.status(201).send(toSessionDto(row));
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      }
    },
  );

  r.get(
    '/api/sessions/:id/materials/:materialId',
    { schema: { tags: ['materials'], summary: 'Download an uploaded material (anyone who can view the session)', params: MaterialParams, response: { 200: FileBody('application/octet-stream') } }, onRequest: app.requireAuth },
    async (request, reply) => {
      const session = await viewableSession(db, caller(request), request.params.id);
      const m = session.materials.find((x) => x.id === request.params.materialId && x.kind === 'file');
      if (!m) throw new NotFoundError('Material not found');
      const path = join(dirOf(session.id), request.params.materialId);
      return sendStoredFile(reply, path, { fileName: m.fileName ?? 'file', contentType: m.contentType ?? 'application/octet-stream', missing: 'Material file is missing' });
    },
  );

  r.delete(
    '/api/sessions/:id/materials/:materialId',
    { schema: { tags: ['materials'], summary: 'Remove a material (host, admin)', params: MaterialParams, response: { 200: SessionDto } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const session = await editableSession(db, who, request.params.id);
      const m = session.materials.find((x) => x.id === request.params.materialId);
      if (!m) throw new NotFoundError('Material not found');
      const row = await save(who, session, session.materials.filter((x) => x !== m), { removed: m });
      if (m.kind === 'file') await rm(join(dirOf(session.id), request.params.materialId), { force: true });
      return toSessionDto(row);
    },
  );
}
