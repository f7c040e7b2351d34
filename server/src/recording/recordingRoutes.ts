// HTTP API for recordings: start/stop (host), list, play/download with Range (participants),
// per-participant track files, delete (host).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ConflictError, NotFoundError } from '../errors.js';
import { NoContent } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { getSessionRow, hostableSession, type SessionRow } from '../sessions/sessionAccess.js';
import { RangedFile, RecordingDto, RecordingParams, RecordingRef, SessionParams, TrackParams, WatchQuery } from './contract.js';
import type { Recorder } from './Recorder.js';
import { assertCanWatch } from './recordingAccess.js';
import { deleteRecording, getRecording, listRecordings, parseTracks, recordingDir, toDto, type RecordingRow } from './recordingStore.js';

function available(r: Recorder | undefined): Recorder {
  if (!r) throw new AppError('not_available', 'Recording is not available on this server', 501);
  return r;
}

export async function recordingRoutes(app: FastifyInstance, { ctx, services }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recordings'];

  /** The session, when this request may watch its recordings (participants, or a room or session token). */
  async function watchable(request: FastifyRequest & { params: { id: string }; query: WatchQuery }): Promise<SessionRow> {
    const session = await getSessionRow(ctx.db, request.params.id);
    await assertCanWatch(ctx, request, session, request.query.token);
    return session;
  }

  /** The session's recording `rid`, or a 404. */
  async function recordingOf(session: SessionRow, rid: string): Promise<RecordingRow> {
    const row = await getRecording(ctx.db, session.id, rid);
    if (!row) throw new NotFoundError('Recording not found');
    return row;
  }

  r.post('/api/sessions/:id/recordings', {
    onRequest: app.requireAuth,
    schema: { tags, summary: 'Start recording a live session (host)', params: SessionParams, response: { 201: RecordingRef } },
  }, async (request, reply) => {
    const who = caller(request);
    const session = await hostableSession(ctx.db, who, request.params.id);
    const { recordingId } = await available(services.recorder).start(session.id, who.userId);
    return reply.code(201).send({ id: recordingId });
  });

  r.post('/api/sessions/:id/recordings/:rid/stop', {
    onRequest: app.requireAuth,
    schema: { tags, summary: 'Stop a recording (host); it is then processed', params: RecordingParams, response: { 200: RecordingRef } },
  }, async (request) => {
    const session = await hostableSession(ctx.db, caller(request), request.params.id);
    const row = await recordingOf(session, request.params.rid);
    if (row.status !== 'recording') throw new ConflictError(`The recording is already ${row.status}`);
    await available(services.recorder).stop(session.id, row.id);
    return { id: row.id };
  });

  r.get('/api/sessions/:id/recordings', {
    onRequest: app.requireRoomToken,
    schema: { tags, summary: "A session's recordings (participants)", params: SessionParams, querystring: WatchQuery, response: { 200: z.array(RecordingDto) } },
  }, async (request) => {
    const session = await watchable(request);
    return (await listRecordings(ctx.db, session.id)).map(toDto);
  });

  r.get('/api/sessions/:id/recordings/:rid', {
    onRequest: app.requireRoomToken,
    schema: { tags, summary: 'One recording (participants)', params: RecordingParams, querystring: WatchQuery, response: { 200: RecordingDto } },
  }, async (request) => {
    const session = await watchable(request);
    const row = await recordingOf(session, request.params.rid);
    return toDto(row);
  });

  r.get('/api/sessions/:id/recordings/:rid/file', {
    onRequest: app.requireRoomToken,
    schema: { tags, summary: 'The composed recording (MP4), with Range support', params: RecordingParams, querystring: WatchQuery, response: RangedFile('video/mp4') },
  }, async (request, reply) => {
    const session = await watchable(request);
    const row = await recordingOf(session, request.params.rid);
    if (row.status !== 'ready' || !row.fileName) throw new ConflictError(`The recording is not ready (${row.status})`);
    const path = join(recordingDir(ctx.config, session.id, row.id), row.fileName);
    const name = `${session.title.replace(/[^\w .-]+/g, '_').slice(0, 80) || 'recording'}-${row.startedAt.toISOString().slice(0, 10)}.mp4`;
    return sendRanged(reply, path, 'video/mp4', request.headers.range, request.query.download ? name : undefined);
  });

  r.get('/api/sessions/:id/recordings/:rid/tracks/:file', {
    onRequest: app.requireRoomToken,
    schema: { tags, summary: "One participant's raw track (Matroska)", params: TrackParams, querystring: WatchQuery, response: RangedFile('video/x-matroska') },
  }, async (request, reply) => {
    const session = await watchable(request);
    const row = await getRecording(ctx.db, session.id, request.params.rid);
    if (!row || !parseTracks(row).some((t) => t.file === request.params.file)) throw new NotFoundError('Track not found');
    const path = join(recordingDir(ctx.config, session.id, row.id), request.params.file);
    return sendRanged(reply, path, 'video/x-matroska', request.headers.range, request.query.download ? request.params.file : undefined);
  });

  r.delete('/api/sessions/:id/recordings/:rid', {
    onRequest: app.requireAuth,
    schema: { tags, summary: 'Delete a recording and its files (host)', params: RecordingParams, response: { 204: NoContent } },
  }, async (request, reply) => {
    const session = await hostableSession(ctx.db, caller(request), request.params.id);
    const row = await recordingOf(session, request.params.rid);
    if (row.status === 'recording' || row.status === 'processing') throw new ConflictError(`Stop the recording and wait for processing first (${row.status})`);
    await deleteRecording(ctx.db, ctx.config, row);
    return reply.code(204).send(null);
  });
}

/** Streams a file, honouring a single `bytes=` range (206) or answering 416. */
async function sendRanged(reply: FastifyReply, path: string, type: string, range: string | undefined, downloadName?: string): Promise<FastifyReply> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new NotFoundError('Recording file not found');
  }
  reply.header('Accept-Ranges', 'bytes').header('Content-Type', type).header('Cache-Control', 'private, no-store');
  if (downloadName) reply.header('Content-Disposition', `attachment; filename="${downloadName.replace(/"/g, '')}"`);
  if (!range) {
    reply.header('Content-Length', size);
    return reply.send(createReadStream(path));
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = m?.[1] ? Number(m[1]) : NaN;
  let end = m?.[2] ? Number(m[2]) : NaN;
  if (m && !m[1] && m[2]) {
    start = Math.max(0, size - Number(m[2])); // suffix range: the last N bytes
    end = size - 1;
  }
  if (Number.isNaN(end) || end >= size) end = size - 1;
  if (!m || Number.isNaN(start) || start > end || start >= size) {
    return reply.code(416).header('Content-Range', `bytes */${size}`).send();
  }
  reply.code(206).header('Content-Range', `bytes ${start}-${end}/${size}`).header('Content-Length', end - start + 1);
  return reply.send(createReadStream(path, { start, end }));
}
