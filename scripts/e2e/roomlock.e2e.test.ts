// A lock made over REST (PATCH /api/sessions/:id/room) reaches the people in the room, the
// same way as the host's lock button: on one node, and across two API nodes linked by Redis
// where the guest is connected to the other node than the one that took the request.
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@lectern/db/testing';
import { TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { loadConfig } from '../../server/src/config.js';
import { startLectern, type Lectern } from '../../server/src/lectern.js';
import { createUser } from '../../server/src/users/userService.js';
import { baseEnv, callJson, createSuiteTestDb, joinByCode, launchBrowser, newPage, startServer, type TestServer } from './support.js';

async function call<T>(base: string, method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await callJson<T>(base, method, path, body, token);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A live open-access session and a join code for it. */
async function liveSessionWithCode(base: string, token: string): Promise<{ sessionId: string; code: string }> {
  const s = await call<{ id: string }>(base, 'POST', '/api/sessions', token, {
    title: 'Lock test',
    scheduledAt: new Date().toISOString(),
    durationMinutes: 30,
    timezone: 'UTC',
    guestAccess: 'open',
  });
  await call(base, 'POST', `/api/sessions/${s.id}/start`, token);
  const c = await call<{ code: string }>(base, 'POST', `/api/sessions/${s.id}/codes`, token);
  return { sessionId: s.id, code: c.code };
}

async function expectLockShown(page: Page, base: string, sessionId: string, token: string): Promise<void> {
  const pill = page.locator('.pill', { hasText: 'Locked' });
  await expect.poll(() => pill.count()).toBe(0);
  await call(base, 'PATCH', `/api/sessions/${sessionId}/room`, token, { locked: true });
  await pill.waitFor({ state: 'visible', timeout: 10_000 });
  await call(base, 'PATCH', `/api/sessions/${sessionId}/room`, token, { locked: false });
  await pill.waitFor({ state: 'detached', timeout: 10_000 });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('room lock over REST', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('room lock: a REST lock shows to the guest in the room (one node)', async () => {
    const teacher = await server.user('teacher', 'Tess Teacher');
    const { sessionId, code } = await liveSessionWithCode(server.url, teacher.token);
    const { context, page } = await newPage(browser);
    try {
      await joinByCode(page, server.url, code, 'Gus Guest');
      await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 30_000 });
      await expectLockShown(page, server.url, sessionId, teacher.token);
    } finally {
      await context.close();
    }
  });
});

describe('room lock across two API nodes', () => {
  let redis: TestRedis;
  let db: TestDb;
  let nodeA: Lectern;
  let nodeB: Lectern;

  beforeAll(async () => {
    redis = await TestRedis.start();
    db = await createSuiteTestDb('redis');
    // Each node its own data folder; one Redis prefix and JWT secret for both.
    const shared = {
      REDIS_URL: redis.url,
      LECTERN_REDIS_PREFIX: `lock-${randomBytes(4).toString('hex')}:`,
      LECTERN_JWT_SECRET: randomBytes(48).toString('base64url'),
      LECTERN_SFU_ANNOUNCE_INTERVAL_MS: '500',
      LECTERN_JOIN_RATE_PER_IP: '1000',
      LECTERN_RTC_PORT_BASE: '25340',
    };
    const env = (extra: Record<string, string>) => loadConfig({ ...baseEnv('lectern-lock-'), ...shared, ...extra });
    nodeA = await startLectern(env({ LECTERN_ROLE: 'all', LECTERN_NODE_ID: 'lock-a' }), { db });
    nodeB = await startLectern(env({ LECTERN_ROLE: 'api', LECTERN_NODE_ID: 'lock-b' }), { db });
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
    await db?.destroy();
    await redis?.stop();
  });

  it('room lock: a REST lock on node A shows to a guest connected to node B', async () => {
    const teacher = await createUser(db.db, { email: 'lock-teacher@example.test', name: 'Tess Teacher', password: 'a long password 1', role: 'teacher' }, 14);
    const token = await nodeA.runtime.ctx.tokens.signAccess({ userId: teacher.id, role: 'teacher' });
    const { sessionId, code } = await liveSessionWithCode(nodeA.url, token);
    const { context, page } = await newPage(browser);
    try {
      await joinByCode(page, nodeB.url, code, 'Gina Guest');
      await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 30_000 });
      await expectLockShown(page, nodeA.url, sessionId, token);
    } finally {
      await context.close();
    }
  });
});
