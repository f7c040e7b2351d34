// Memory of the built all-in-one server (`node server/dist/main.js`, as `npm start` runs it) on
// the embedded database (PGlite, a fresh data folder) and on Postgres (a fresh database, when
// DATABASE_URL is set or the local Postgres answers). For each, one JSON line: resident set
// (ps -o rss) idle after start and after a little use (median of 5 readings, 1 s apart), the
// node heap, external and arrayBuffers memory (PGlite's WebAssembly heap is external), and
// each mediasoup worker's RSS (separate processes, not in the server's figure).
// Usage: npx tsx --conditions=lectern-source scripts/bench/memory.ts [idle seconds=10]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { freePort } from '../../server/src/cluster/test/testRedis.js';
import { childProcesses, littleUse, medianRssKb, startBuiltServer } from '../../server/src/smoke/test/builtServer.js';

const idleSeconds = Number(process.argv[2] ?? 10);
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Loaded into the server with --import: on SIGUSR2 it writes process.memoryUsage() to a file.
const PROBE = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('SIGUSR2', () => writeFileSync(process.env.LECTERN_BENCH_PROBE, JSON.stringify(process.memoryUsage())));",
)}`;

async function memoryUsage(pid: number, file: string): Promise<NodeJS.MemoryUsage> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as NodeJS.MemoryUsage;
    } catch {
      // not written yet
    }
  }
  throw new Error('the memory probe did not answer');
}

async function measure(kind: 'pglite' | 'postgres', databaseUrl?: string): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lectern-bench-memory-'));
  const probe = join(dataDir, 'probe.json');
  const admin = { email: 'bench-admin@example.test', password: `pw-${randomBytes(9).toString('hex')}` };
  const env: Record<string, string> = {
    LECTERN_DATA_DIR: dataDir,
    LECTERN_RTC_PORT_BASE: String(await freePort()),
    LECTERN_SFU_WORKERS: '1',
    LECTERN_ADMIN_EMAIL: admin.email,
    LECTERN_ADMIN_PASSWORD: admin.password,
    LECTERN_BENCH_PROBE: probe,
  };
  if (databaseUrl) Object.assign(env, { DATABASE_URL: databaseUrl, LECTERN_JWT_SECRET: randomBytes(32).toString('hex') });
  const t0 = performance.now();
  const server = await startBuiltServer({ env, port: await freePort(), nodeArgs: ['--import', PROBE], readyTimeoutMs: 180_000 });
  const readyMs = Math.round(performance.now() - t0);
  try {
    await sleep(idleSeconds * 1000);
    const rssIdleKb = await medianRssKb(server.pid);
    const idle = await memoryUsage(server.pid, probe);
    await littleUse(server.url, admin);
    await sleep((idleSeconds * 1000) / 2);
    const rssAfterUseKb = await medianRssKb(server.pid);
    const used = await memoryUsage(server.pid, probe);
    return {
      bench: 'memory',
      db: kind,
      readyMs,
      rssIdleMB: mb(rssIdleKb * 1024),
      rssAfterUseMB: mb(rssAfterUseKb * 1024),
      heapUsedMB: [mb(idle.heapUsed), mb(used.heapUsed)],
      heapTotalMB: [mb(idle.heapTotal), mb(used.heapTotal)],
      externalMB: [mb(idle.external), mb(used.external)],
      arrayBuffersMB: [mb(idle.arrayBuffers), mb(used.arrayBuffers)],
      workersRssMB: childProcesses(server.pid).map((w) => mb(w.rssKb * 1024)),
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`memory bench: built all-in-one server, ${idleSeconds} s idle; [idle, after use] pairs`);
  console.log(JSON.stringify(await measure('pglite')));
  let pg: TestDb | undefined;
  try {
    pg = await createTestDb('postgres', { DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  } catch (err) {
    console.log(JSON.stringify({ bench: 'memory', db: 'postgres', skipped: `no Postgres: ${(err as Error).message}` }));
    return;
  }
  try {
    console.log(JSON.stringify(await measure('postgres', pg.url)));
  } finally {
    await pg.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
