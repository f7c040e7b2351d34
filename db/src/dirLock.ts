// One process per embedded database. Two PGlite instances on one directory corrupt it
// (each keeps its own buffers and WAL position: rows written by one are lost or doubled
// for the other), so opening a data directory takes `<dir>.lock`, which names the owner.
// A lock whose owner is gone (a crash, kill -9) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** The data directory is open in another live process. */
export class DataDirLockedError extends Error {
  readonly owner: LockOwner;
  /** `detail`: why the work could not be done through that process either (the CLI's control socket). */
  constructor(dir: string, owner: LockOwner, detail?: string) {
    super(
      `The embedded database ${dir} is in use by process ${owner.pid} on ${owner.host} (since ${owner.since}). ` +
        'Only one process may open it: stop that process first, or do this through the running server (its admin pages and API)' +
        (detail ? `; ${detail}.` : '.'),
    );
    this.name = 'DataDirLockedError';
    this.owner = owner;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, since: String(o.since ?? '?') } : null;
  } catch {
    return null; // half-written or unreadable: nobody can be proven to hold it
  }
}

/** Takes the lock of `dir` for this process; returns its release. Throws DataDirLockedError when a live process holds it. */
export function lockDataDir(dir: string): () => void {
  const path = `${dir.replace(/\/+$/, '')}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(path);
      // Another machine's process cannot be checked from here: its lock stands.
      if (owner && (owner.host !== me.host || alive(owner.pid))) throw new DataDirLockedError(dir, owner);
      unlinkSync(path); // stale: its owner is gone
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readOwner(path)?.pid === me.pid) unlinkSync(path);
    };
    process.on('exit', release);
    return release;
  }
  throw new Error(`Could not take the lock ${path}`);
}
