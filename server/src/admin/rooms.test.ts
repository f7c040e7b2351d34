// GET /api/admin/rooms/:sessionId on a whole Lectern (API + in-process SFU with two
// workers): where a live session's peers are, room by router.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dbKinds, type TestDb } from '@lectern/db/testing';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import { cleaningUp, testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';
import type { RoomLayout } from './contract.js';

// Below the ephemeral port range (32768+); two workers listen on base and base + 1.
const PORT_BASE = 27000 + Math.floor(Math.random() * 200) * 4;

describe.each(dbKinds())('admin room layout on %s', { timeout: 60_000 }, (kind) => {
  let db: TestDb;
  let lectern: Lectern;
  const headers: Record<'admin' | 'teacher', { authorization: string }> = {} as never;

  beforeAll(async () => {
    db = await createTestDb(kind);
    const config = loadConfig(
      testEnv({ PORT: '0', LECTERN_SFU_WORKERS: '2', LECTERN_ROOM_PEERS_PER_ROUTER: '2', LECTERN_RTC_PORT_BASE: String(PORT_BASE + (kind === 'postgres' ? 2 : 0)) }),
    );
    lectern = cleaningUp(await startLectern(config, { db, serveClient: false }));
    for (const role of ['admin', 'teacher'] as const) {
      const u = await createUser(db.db, { email: `${role}@example.test`, name: role, password: 'a-long-password-1', role }, 14);
      headers[role] = { authorization: `Bearer ${await lectern.runtime.ctx.tokens.signAccess({ userId: u.id, role })}` };
    }
  });
  afterAll(async () => {
    await lectern?.close();
    await db?.destroy();
  });

  const api = async <T>(method: string, url: string, h?: { authorization: string }, body?: unknown) => {
    const res = await fetch(`${lectern.url}${url}`, {
      method,
      headers: { ...h, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  it('admin: GET /api/admin/rooms/:sessionId shows each router of a live room with its worker and peers; others are refused', async () => {
    const s = await api<{ id: string }>('POST', '/api/sessions', headers.teacher, { title: 'Lecture', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC' });
    expect(s.status).toBe(201);
    const sid = s.body.id;
    const url = `/api/admin/rooms/${sid}`;

    // Not started: no room anywhere.
    expect(await api('GET', url, headers.admin)).toEqual({ status: 200, body: { nodes: [] } });
    expect((await api('POST', `/api/sessions/${sid}/start`, headers.teacher)).status).toBe(200);

    const node = lectern.sfuHost!.node;
    await node.ensureRoom({ roomId: sid, maxPeers: 10 });
    for (const peerId of ['p1', 'p2', 'p3', 'p4', 'p5']) await node.addPeer({ roomId: sid, peerId });
    const workerPids = node.pool.workers().map((w) => w.pid);

    const layout = await api<RoomLayout>('GET', url, headers.admin);
    expect(layout.status).toBe(200);
    expect(layout.body.nodes).toHaveLength(1);
    const [only] = layout.body.nodes;
    expect(only!.nodeId).toBe(lectern.sfuHost!.nodeId);
    expect(only!.routers.map((r) => r.peers)).toEqual([3, 2]);
    expect(new Set(only!.routers.map((r) => r.workerPid))).toEqual(new Set(workerPids));

    expect((await api('GET', url, headers.teacher)).status).toBe(403);
    expect((await api('GET', url)).status).toBe(401);
    expect((await api('GET', `/api/admin/rooms/${randomUUID()}`, headers.admin)).status).toBe(404);
    expect((await api('GET', '/api/admin/rooms/not-a-uuid', headers.admin)).status).toBe(400);

    // The room closes: the session is still live, its room is not.
    await node.closeRoom({ roomId: sid });
    expect(await api('GET', url, headers.admin)).toEqual({ status: 200, body: { nodes: [] } });
  });
});
