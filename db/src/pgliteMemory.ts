// What keeps the embedded database (PGlite, Postgres compiled to WebAssembly) lean.
// A WebAssembly heap grows but never shrinks, so whatever Postgres once needed stays resident
// for the life of the process. Two things made an idle all-in-one server hold ~830 MB:
// - PGlite's own default shared_buffers (160 MB, inside the heap, initialised at start):
//   we start Postgres with a small buffer pool and maintenance_work_mem instead. A Lectern
//   database is small and its files sit in the OS page cache anyway.
// - initdb on a new data folder: PGlite runs it in a second Postgres instance plus an initdb
//   module, then copies the result over as a tarball; several hundred MB that were never given
//   back. A new data folder is therefore created (initdb and the first migrations) by a
//   short-lived child process; this process then opens a ready folder.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** Default Postgres shared_buffers inside PGlite (PGlite's own default is 160MB). */
export const PGLITE_SHARED_BUFFERS = '16MB';
/** Postgres size syntax accepted for shared_buffers. */
export const PG_SIZE_PATTERN = /^[1-9]\d{0,6}(kB|MB|GB)$/;

/** PGlite's start parameters with Lectern's memory settings. */
export function pgliteStartParams(sharedBuffers: string = PGLITE_SHARED_BUFFERS): string[] {
  if (!PG_SIZE_PATTERN.test(sharedBuffers)) throw new Error(`PGlite shared_buffers must be a size such as 16MB, got ${sharedBuffers}`);
  return [
    ...PGlite.defaultStartParams,
    '-c', `shared_buffers=${sharedBuffers}`,
    // An index build may use this much once; the heap keeps it. Ample for Lectern's tables.
    '-c', 'maintenance_work_mem=8MB',
  ];
}

/** True when `dataDir` holds no database yet (Postgres writes PG_VERSION first thing). */
export function needsInitdb(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

// CommonJS, so that it runs the same whether this module was loaded from TypeScript sources
// (tests) or from dist: every module is passed in as a resolved path.
const CHILD = `
const [dir, params, migrations, pglite, drizzle, migrator] = process.argv.slice(1);
(async () => {
  const pg = await require(pglite).PGlite.create(dir, { startParams: JSON.parse(params) });
  try {
    if (migrations) await require(migrator).migrate(require(drizzle).drizzle({ client: pg }), { migrationsFolder: migrations });
  } finally {
    await pg.close();
  }
})().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});`;

/**
 * Creates a new PGlite data folder in a child process, so that its peak memory goes with it,
 * and migrates it there too when `migrationsDir` is given (a whole schema's indexes at once).
 */
export async function initPgliteInChild(dataDir: string, startParams: string[], migrationsDir: string | undefined): Promise<void> {
  const req = createRequire(import.meta.url);
  const args = [
    '-e', CHILD, dataDir, JSON.stringify(startParams), migrationsDir ?? '',
    req.resolve('@electric-sql/pglite'), req.resolve('drizzle-orm/pglite'), req.resolve('drizzle-orm/pglite/migrator'),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(signal ? -1 : c));
  });
  if (code !== 0) throw new Error(`creating the embedded database in ${dataDir} failed (exit ${code}):\n${stderr}`);
}
