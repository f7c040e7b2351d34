// Delivery that loses nothing: three clients on two API node processes (real Postgres and
// Redis) send 500 messages with deliberate resends of the same clientId while one node is
// killed with SIGKILL and started again mid-burst. Every acknowledged message is stored
// exactly once, every client ends with the full gap-free sequence, nothing appears twice.
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { freePort, TestRedis } from '../cluster/test/testRedis.js';
import { insertCourse } from '../notifications/test/fixtures.js';
import { testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';
import { ChatTestClient } from './test/chatClient.js';
import { startApiChild, type ChildNode } from './test/nodes.js';

const TOTAL = 500;
const hasPostgres = Boolean(process.env.DATABASE_URL);
if (!hasPostgres) console.warn('chat loss test SKIPPED: set DATABASE_URL (and have redis-server) to run it');

describe.runIf(hasPostgres)('chat delivery across a node crash', () => {
  let redis: TestRedis;
  let db: TestDb;
  let env: Record<string, string>;
  let a: ChildNode;
  let b: ChildNode;
  let portA: number;
  const clients: ChatTestClient[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    db = await createTestDb('postgres');
    env = { ...testEnv({ REDIS_URL: redis.url, DATABASE_URL: db.url!, LECTERN_LOG_LEVEL: 'warn' }) };
    [portA] = [await freePort()];
    a = await startApiChild(env, portA, 'chat-a');
    b = await startApiChild(env, await freePort(), 'chat-b');
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.kill('SIGKILL');
    await b?.kill('SIGKILL');
    await db?.destroy();
    await redis?.stop();
  });

  async function login(url: string, email: string, password: string): Promise<string> {
    const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  it('chat loss: 500 messages, resends and a SIGKILLed node: stored once, gap-free everywhere', async () => {
    const people = await Promise.all(
      (['teacher', 'student', 'student'] as const).map(async (role, i) => {
        const email = `loss-${i}-${randomBytes(3).toString('hex')}@example.test`;
        const password = 'loss-password-1';
        const u = await createUser(db.db, { email, password, role, name: `Person ${i}` }, 14);
        return { ...u, email, password };
      }),
    );
    const [teacher, s1, s2] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    await insertCourse(db.db, teacher.id, [s1.id, s2.id]);
    const tokens = await Promise.all(people.map((p) => login(b.url, p.email, p.password)));
    const res = await fetch(`${b.url}/api/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
      body: JSON.stringify({ kind: 'group', title: 'Crash test', memberIds: [s1.id, s2.id] }),
    });
    expect(res.status).toBe(201);
    const convId = ((await res.json()) as { id: string }).id;

    // Teacher and one student on node A (the one that dies), the other student on B.
    const nodes = [a.url, b.url, a.url];
    clients.push(...tokens.map((tok, i) => new ChatTestClient(nodes[i]!, tok, convId)));
    await Promise.all(clients.map((c) => c.ready()));

    let ackedTotal = 0;
    let killed = false;
    let restarted: Promise<void> | undefined;
    const duplicates: { first: string; second: string }[] = [];
    const quota = [167, 167, 166];
    await Promise.all(
      clients.map(async (c, ci) => {
        for (let i = 0; i < quota[ci]!; i++) {
          const clientId = `c${ci}-${i}`;
          const m = await c.send(clientId, `message ${i} from client ${ci}`);
          ackedTotal += 1;
          if (i % 10 === 0) duplicates.push({ first: m.id, second: (await c.send(clientId, `message ${i} from client ${ci}`)).id });
          if (!killed && ackedTotal >= 150) {
            killed = true;
            await a.kill('SIGKILL');
            restarted = (async () => {
              await new Promise((r) => setTimeout(r, 500));
              a = await startApiChild(env, portA, 'chat-a');
            })();
          }
          await new Promise((r) => setTimeout(r, 110)); // under the per-user rate limit
        }
      }),
    );
    await restarted;
    expect(killed).toBe(true);
    expect(clients[0]!.reconnects + clients[2]!.reconnects).toBeGreaterThanOrEqual(2);

    const rows = await db.db.select().from(messages).where(eq(messages.conversationId, convId)).orderBy(asc(messages.seq));
    expect(rows).toHaveLength(TOTAL);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => `${r.authorId}:${r.clientId}`)).size).toBe(TOTAL);
    const byClientId = new Map(rows.map((r) => [`${r.authorId}:${r.clientId}`, r.id]));
    for (const [ci, c] of clients.entries()) {
      expect(c.acked.size).toBe(quota[ci]);
      for (const [clientId, m] of c.acked) expect(byClientId.get(`${people[ci]!.id}:${clientId}`)).toBe(m.id);
    }
    for (const d of duplicates) expect(d.second).toBe(d.first);

    for (const c of clients) {
      await c.fill();
      expect(c.contiguous()).toBe(TOTAL);
      const seqs = [...c.seen.get(convId)!.keys()].sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
      expect(new Set([...c.seen.get(convId)!.values()].map((m) => m.id)).size).toBe(TOTAL);
    }
    console.log(`chat loss: resends ${clients.map((c) => c.resends).join('/')}, reconnects ${clients.map((c) => c.reconnects).join('/')}`);
  }, 180_000);
});
