// What the chat and call-ring benchmarks start from: two API node processes sharing Postgres
// and a private Redis, and a course of seeded users (people[0] its teacher, the others its
// students), each with an access token.
import { readFileSync } from 'node:fs';
import { courses, enrolments, users, type UserRole } from '@lectern/db';
import { createTestDb } from '@lectern/db/testing';
import { TokenService } from '../../server/src/auth/tokens.js';
import { startApiChild, type ChildNode } from '../../server/src/chat/test/nodes.js';
import { freePort, TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { systemClock } from '../../server/src/clock.js';
import { testEnv } from '../../server/src/test/harness.js';

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of USER_HZ = 100). */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The p-th percentile (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface BenchCourse {
  /** Node a, then node b. */
  nodes: ChildNode[];
  /** people[0] is the teacher; the others are the course's students. */
  people: { id: string; role: UserRole }[];
  /** Each person's access token, in the same order. */
  jwts: string[];
  /** The teacher creates a group of everyone else, on node a; its id. */
  createGroup(title: string): Promise<string>;
  /** Stops the nodes, drops the database and stops Redis. */
  close(): Promise<void>;
}

/** `name` names the nodes (`<name>-a`) and the users' addresses; `peopleCount` counts the teacher too. */
export async function startBenchCourse(name: string, peopleCount: number): Promise<BenchCourse> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  const redis = await TestRedis.start();
  const db = await createTestDb('postgres');
  const env = testEnv({ REDIS_URL: redis.url, DATABASE_URL: db.url!, LECTERN_LOG_LEVEL: process.env.LECTERN_LOG_LEVEL ?? 'error' });
  const nodes: ChildNode[] = [];
  const close = async () => {
    for (const node of nodes) await node.kill('SIGTERM').catch(() => undefined);
    await db.destroy();
    await redis.stop();
  };
  try {
    nodes.push(await startApiChild(env, await freePort(), `${name}-a`), await startApiChild(env, await freePort(), `${name}-b`));
    const tokens = new TokenService({ secret: env.LECTERN_JWT_SECRET!, clock: systemClock, accessTtlSeconds: 3600, roomTtlSeconds: 600 });
    const people = await db.db
      .insert(users)
      .values(Array.from({ length: peopleCount }, (_, i) => ({ email: `${name}${i}@example.test`, name: `Member ${i}`, role: i === 0 ? ('teacher' as const) : ('student' as const), passwordHash: 'x' })))
      .returning({ id: users.id, role: users.role });
    const [course] = await db.db.insert(courses).values({ title: 'Bench', ownerId: people[0]!.id }).returning();
    await db.db.insert(enrolments).values(people.slice(1).map((p) => ({ courseId: course!.id, userId: p.id })));
    const jwts = await Promise.all(people.map((p) => tokens.signAccess({ userId: p.id, role: p.role })));
    return {
      nodes,
      people,
      jwts,
      async createGroup(title) {
        const res = await fetch(`${nodes[0]!.url}/api/chats`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${jwts[0]}` },
          body: JSON.stringify({ kind: 'group', title, memberIds: people.slice(1).map((p) => p.id) }),
        });
        if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
