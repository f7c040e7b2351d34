// Contract of recordings: params, queries and answers of /api/sessions/:id/recordings
// (start, stop, list, get, the composed file, raw tracks, delete). The client imports the
// types; the routes validate and document with the schemas.
import { z } from 'zod';
import { FileBody, IsoDate } from '../http/contract.js';
import { MEDIA_SOURCES } from '../protocol/index.js';

export const RecordingStatus = z.enum(['recording', 'processing', 'ready', 'failed']);
export type RecordingStatus = z.infer<typeof RecordingStatus>;

export const SessionParams = z.object({ id: z.uuid() });
export const RecordingParams = z.object({ id: z.uuid(), rid: z.uuid() });
export const TrackParams = RecordingParams.extend({ file: z.string().regex(/^track-[A-Za-z0-9_-]+\.mkv$/).max(120) });
export const WatchQuery = z.object({
  token: z.string().max(4000).optional().describe('a room or session token, for guests and <video> elements'),
  download: z.enum(['1', 'true']).optional().describe('answer as an attachment'),
});
export type WatchQuery = z.infer<typeof WatchQuery>;

/** One participant's raw track of a recording, placed on the recording's timeline. */
export const Track = z.object({
  file: z.string(),
  peerId: z.string(),
  displayName: z.string().nullable(),
  kind: z.enum(['audio', 'video']),
  source: z.enum(MEDIA_SOURCES),
  startSeconds: z.number(),
  endSeconds: z.number(),
  url: z.string(),
});
export type Track = z.infer<typeof Track>;

export const RecordingDto = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  status: RecordingStatus,
  url: z.string().describe('GET with Range support; ?token= for guests and <video> elements'),
  downloadUrl: z.string(),
  durationSeconds: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  progress: z.number().describe('0..100 while processing'),
  error: z.string().nullable(),
  startedAt: IsoDate,
  stoppedAt: IsoDate.nullable(),
  tracks: z.array(Track),
});
export type RecordingDto = z.infer<typeof RecordingDto>;

export const RecordingRef = z.object({ id: z.uuid() });
export type RecordingRef = z.infer<typeof RecordingRef>;

/** A file answered whole (200) or as one byte range (206). */
export const RangedFile = (mediaType: string) => {
  const body = { content: { [mediaType]: { schema: FileBody(mediaType) } } };
  return { 200: { description: 'the whole file', ...body }, 206: { description: 'the requested byte range', ...body } };
};
