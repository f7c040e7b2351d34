// Who may reach a session's recordings with a room token (`?token=`): only those the room
// let in (admitted) and its hosts. A join code alone yields a token, but a guest still in the
// lobby, waiting for the start, never admitted, denied or removed must not list or download.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordings, sessions, type RoomAccessState } from '@lectern/db';
import type { RoomRole } from '../auth/tokens.js';
import { setAccess } from '../rooms/roomAccess.js';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import { recordingDir } from './recordingStore.js';

describe.each(dbKinds())('recording access by room token on %s', (kind) => {
  let t: TestApp;
  let sid: string;
  let rid: string;

  beforeAll(async () => {
    t = await createTestApp(kind);
    const host = await t.userWithToken('teacher', 'Tess Host');
    const db = t.runtime.ctx.db;
    const now = t.clock.now();
    const [s] = await db.insert(sessions).values({ title: 'Recorded', scheduledAt: now, durationMinutes: 60, timezone: 'UTC', hostId: host.id, status: 'live', guestAccess: 'lobby' }).returning();
    sid = s!.id;
    const [r] = await db.insert(recordings).values({ sessionId: sid, startedBy: host.id, status: 'ready', startedAt: now, stoppedAt: now, fileName: 'recording.mp4', sizeBytes: 16 }).returning();
    rid = r!.id;
    const dir = recordingDir(t.config, sid, rid);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'recording.mp4'), Buffer.alloc(16, 1));
  });
  afterAll(async () => t?.close());

  /** A room token of this session for `participantId`, with that participant's room state (none: never entered). */
  async function tokenOf(participantId: string, state: RoomAccessState | null, role: RoomRole = 'guest'): Promise<string> {
    if (state) await setAccess(t.runtime.ctx, sid, participantId, state);
    return t.runtime.ctx.tokens.signRoom({ participantId, sessionId: sid, role, displayName: participantId, userId: null });
  }
  const statuses = async (token: string) => {
    const get = async (url: string) => (await t.app.inject({ method: 'GET', url })).statusCode;
    return [
      await get(`/api/sessions/${sid}/recordings?token=${token}`),
      await get(`/api/sessions/${sid}/recordings/${rid}?token=${token}`),
      await get(`/api/sessions/${sid}/recordings/${rid}/file?download=1&token=${token}`),
    ];
  };

  it('recording access: a guest in the lobby (or never admitted) gets 403 on list and download', async () => {
    // In the lobby or waiting for the start: the gateway writes no room state until admitted.
    expect(await statuses(await tokenOf('guest:lobby', null))).toEqual([403, 403, 403]);
    expect(await statuses(await tokenOf('guest:denied', 'denied'))).toEqual([403, 403, 403]);
    expect(await statuses(await tokenOf('guest:removed', 'removed'))).toEqual([403, 403, 403]);
    expect(await statuses(await tokenOf('participant:waiting', null, 'participant'))).toEqual([403, 403, 403]);
  });

  it('recording access: an admitted guest and a host get 200', async () => {
    expect(await statuses(await tokenOf('guest:admitted', 'admitted'))).toEqual([200, 200, 200]);
    expect(await statuses(await tokenOf('host:tess', null, 'host'))).toEqual([200, 200, 200]);
    // Admitted, then removed: locked out again.
    const later = await tokenOf('guest:later', 'admitted');
    expect((await statuses(later))[0]).toBe(200);
    await setAccess(t.runtime.ctx, sid, 'guest:later', 'removed');
    expect(await statuses(later)).toEqual([403, 403, 403]);
  });
});
