// The HTTP fuzzer: every operation of /openapi.json, called as an admin and as a teacher
// (so requests get past the auth guard to validation) with schema-violating bodies, queries
// and path parameters (see test/httpFuzzRequests.ts). No answer may be a 5xx, and nothing may
// be written: a checksum of every table's content is the same before and after. Prints its
// seed (LECTERN_FUZZ_SEED replays a run) and its numbers.
import { sql } from 'drizzle-orm';
import { rowsOf } from '@lectern/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '@lectern/db/testing';
import { fuzzSeed, Prng } from '../test/fuzz.js';
import { useTestApp, type TestUser } from '../test/harness.js';
import { fuzzRequest, operations, type Operation } from './test/httpFuzzRequests.js';

const PER_OPERATION = Number(process.env.LECTERN_HTTP_FUZZ_PER_OPERATION ?? 30);
const kind = dbKinds().at(-1)!;

describe(`HTTP fuzzer on ${kind}`, () => {
  const t = useTestApp(kind);
  const seed = fuzzSeed();
  const r = new Prng(seed);
  let ops: Operation[] = [];
  let admin: TestUser;
  let teacher: TestUser;
  const realIds: string[] = [];

  /** Every table of the schema: its row count and an md5 of its rows in a stable order. */
  const checksums = async (): Promise<Record<string, string>> => {
    const db = t.runtime.ctx.db;
    const tables = rowsOf<{ name: string }>(await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`));
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = rowsOf<{ n: number; h: string }>(await db.execute(sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${name}" t`)));
      out[name] = `${row!.n} rows, ${row!.h}`;
    }
    return out;
  };

  beforeAll(async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    ops = operations(res.json());
    admin = await t.userWithToken('admin');
    teacher = await t.userWithToken('teacher');
    // Rows the fuzzed requests may name (with a broken body, so they must stay as they are).
    const course = await t.app.inject({ method: 'POST', url: '/api/courses', headers: teacher.headers, payload: { title: 'Fuzz course' } });
    const session = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: teacher.headers, payload: { title: 'Fuzz session', scheduledAt: new Date(Date.UTC(2031, 0, 1)).toISOString() } });
    const chat = await t.app.inject({ method: 'POST', url: '/api/chats', headers: teacher.headers, payload: { kind: 'group', title: 'Fuzz chat', memberIds: [admin.id] } });
    for (const x of [course, session, chat]) {
      expect(x.statusCode).toBe(201);
      realIds.push(x.json<{ id: string }>().id);
    }
    realIds.push(admin.id, teacher.id);
  });

  it('HTTP fuzz: schema-violating requests to every operation, as an admin and a teacher: no 5xx, no write', async () => {
    expect(ops.length).toBeGreaterThanOrEqual(100);
    // A GET without inputs cannot be made invalid; it is fuzzed as is. One of them writes on
    // first use by design (GET /api/me/calendar creates the caller's feed token), so each is
    // called once per user before the baseline: a later call of it must not write again.
    for (const op of ops.filter((o) => o.method === 'GET' && o.params.length === 0)) {
      for (const user of [admin, teacher]) await t.app.inject({ method: 'GET', url: op.path, headers: user.headers });
    }
    const before = await checksums();
    let trace = { ...before };
    const t0 = Date.now();
    const statuses: Record<number, number> = {};
    const serverErrors: string[] = [];
    const accepted: string[] = [];
    let sent = 0;
    let maxRss = 0;
    for (const op of ops) {
      for (const user of [admin, teacher]) {
        for (let i = 0; i < PER_OPERATION; i++) {
          const req = fuzzRequest(r, op, user.headers, realIds);
          const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) });
          sent++;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode >= 500) serverErrors.push(`${op.key} [${req.kind}] ${req.url.slice(0, 120)} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
          // A write route that accepted a broken request (2xx) is a validation hole even if nothing changed.
          if (res.statusCode < 300 && op.method !== 'GET' && req.kind !== 'none') accepted.push(`${op.key} [${req.kind}] -> ${res.statusCode}`);
        }
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }
      if (process.env.LECTERN_HTTP_FUZZ_TRACE) {
        // Which operation wrote (slow: checksums after each one).
        const now = await checksums();
        const moved = Object.keys(now).filter((k) => now[k] !== trace[k]);
        if (moved.length > 0) console.log(`${op.key} changed ${moved.join(', ')}`);
        trace = now;
      }
    }
    const after = await checksums();
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]).map((k) => `${k}: ${before[k]} -> ${after[k]}`);
    console.log(
      `HTTP fuzz (seed ${seed}, ${kind}): ${sent} requests to ${ops.length} operations in ${Date.now() - t0} ms; statuses ${JSON.stringify(statuses)}; ` +
        `5xx ${serverErrors.length}; tables checked ${Object.keys(before).length}, changed ${changed.length}; max RSS ${(maxRss / 1024 / 1024).toFixed(1)} MB`,
    );
    expect(serverErrors.slice(0, 30)).toEqual([]);
    expect(changed).toEqual([]);
    expect(accepted.slice(0, 30)).toEqual([]);
  }, 600_000);
});
