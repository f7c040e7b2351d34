// Recording rows and their files: paths, DTOs, status updates, retention.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { attendanceIntervals, recordings, type Database } from '@lectern/db';
import type { Config } from '../config.js';
import type { RecordingDto, Track } from './contract.js';
import type { TrackResult } from './TrackWriter.js';

export type RecordingRow = typeof recordings.$inferSelect;
/** A track as stored on the row (JSON): the contract's Track without its URL. */
export type StoredTrack = Omit<Track, 'url'>;

export function recordingDir(config: Config, sessionId: string, recordingId: string): string {
  return join(config.recording.dir, sessionId, recordingId);
}

export function fileUrl(sessionId: string, recordingId: string, file = 'file'): string {
  return `/api/sessions/${sessionId}/recordings/${recordingId}/${file}`;
}

export function parseTracks(row: RecordingRow): StoredTrack[] {
  if (!row.tracks) return [];
  try {
    return JSON.parse(row.tracks) as StoredTrack[];
  } catch {
    return [];
  }
}

export function toDto(row: RecordingRow): RecordingDto {
  return {
    id: row.id,
    sessionId: row.sessionId,
    status: row.status,
    url: fileUrl(row.sessionId, row.id),
    downloadUrl: `${fileUrl(row.sessionId, row.id)}?download=1`,
    durationSeconds: row.durationSeconds,
    sizeBytes: row.sizeBytes,
    progress: row.progress,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    stoppedAt: row.stoppedAt?.toISOString() ?? null,
    tracks: parseTracks(row).map((t) => ({ ...t, url: fileUrl(row.sessionId, row.id, `tracks/${t.file}`) })),
  };
}

export async function listRecordings(db: Database, sessionId: string): Promise<RecordingRow[]> {
  return db.select().from(recordings).where(eq(recordings.sessionId, sessionId)).orderBy(desc(recordings.startedAt));
}

export async function getRecording(db: Database, sessionId: string, recordingId: string): Promise<RecordingRow | undefined> {
  const [row] = await db
    .select()
    .from(recordings)
    .where(and(eq(recordings.id, recordingId), eq(recordings.sessionId, sessionId)));
  return row;
}

export async function activeRecording(db: Database, sessionId: string): Promise<RecordingRow | undefined> {
  const [row] = await db
    .select()
    .from(recordings)
    .where(and(eq(recordings.sessionId, sessionId), eq(recordings.status, 'recording')));
  return row;
}

export async function updateRecording(db: Database, id: string, set: Partial<Omit<RecordingRow, 'id' | 'sessionId'>>): Promise<void> {
  await db.update(recordings).set(set).where(eq(recordings.id, id));
}

/** Display names of the participants behind the tracks (from attendance). */
export async function storedTracks(db: Database, sessionId: string, results: TrackResult[]): Promise<StoredTrack[]> {
  const peerIds = [...new Set(results.map((t) => t.peerId))];
  const names = new Map<string, string>();
  if (peerIds.length > 0) {
    const rows = await db
      .select({ participantId: attendanceIntervals.participantId, displayName: attendanceIntervals.displayName })
      .from(attendanceIntervals)
      .where(and(eq(attendanceIntervals.sessionId, sessionId), inArray(attendanceIntervals.participantId, peerIds)));
    for (const r of rows) names.set(r.participantId, r.displayName);
  }
  return results
    .filter((t) => t.startMs !== null && t.packets > 0)
    .map((t) => ({
      file: t.file,
      peerId: t.peerId,
      displayName: names.get(t.peerId) ?? null,
      kind: t.kind,
      source: t.source,
      startSeconds: Math.round((t.startMs ?? 0) / 10) / 100,
      endSeconds: Math.round((t.endMs ?? 0) / 10) / 100,
    }));
}

/** Deletes a recording's files and row. */
export async function deleteRecording(db: Database, config: Config, row: RecordingRow): Promise<void> {
  await rm(recordingDir(config, row.sessionId, row.id), { recursive: true, force: true });
  await db.delete(recordings).where(eq(recordings.id, row.id));
}

/** Deletes finished recordings created before `cutoff`; returns how many. */
export async function deleteOlderThan(db: Database, config: Config, cutoff: Date): Promise<number> {
  const rows = await db
    .select()
    .from(recordings)
    .where(and(lt(recordings.createdAt, cutoff), inArray(recordings.status, ['ready', 'failed'])));
  for (const row of rows) await deleteRecording(db, config, row);
  return rows.length;
}
