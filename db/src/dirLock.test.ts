// One process per embedded database directory: a second opener is refused with the
// owner's PID, the lock goes with the close, and a dead owner's lock is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from './createDb.js';
import { DataDirLockedError } from './dirLock.js';

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'lectern-lock-')), 'pglite');

describe('embedded database directory lock', () => {
  it('a second opener of one directory is refused with the owner named, and gets in after the close', async () => {
    const dir = freshDir();
    const first = await createDb({ dataDir: dir, migrate: false });
    expect(existsSync(`${dir}.lock`)).toBe(true);
    const second = createDb({ dataDir: dir, migrate: false });
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(new RegExp(`in use by process ${process.pid} on `));
    await first.close();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const again = await createDb({ dataDir: dir, migrate: false });
    await again.ping();
    await again.close();
  }, 60_000);

  it('another live process’s lock stands; a dead process’s lock is taken over', async () => {
    const dir = freshDir();
    const lock = `${dir}.lock`;
    // A live owner: this test's parent process, as if it held the directory.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-11-29T10:00:00.000Z' }));
    await expect(createDb({ dataDir: dir, migrate: false })).rejects.toThrow(new RegExp(`in use by process ${process.ppid} on .*since 2026-11-29T10:00:00.000Z`));
    // A dead owner: a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, JSON.stringify({ pid: Number(gone.stdout), host: hostname(), since: '2026-11-29T10:00:00.000Z' }));
    const db = await createDb({ dataDir: dir, migrate: false });
    await db.ping();
    await db.close();
  }, 60_000);
});
