// Test-only: a Postgres cluster of the test's own (initdb in a temp dir, its own port and
// socket dir) that the test may crash and restart at will. Never the shared server: fault
// tests stop this one with `pg_ctl stop -m immediate` (no shutdown checkpoint, like a crash)
// or SIGKILL of the postmaster, then start it again on the same port. Fails loudly, never
// skips, when the cluster cannot be started.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.LECTERN_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb and postgres refuse to run as root: as root the cluster belongs to this OS user. */
const OS_USER = 'postgres';

export interface PrivatePostgres {
  /** postgres:// URL of the cluster's `postgres` database (trust auth). */
  readonly url: string;
  readonly port: number;
  /** Starts the (stopped) cluster again on the same port; resolves when it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend is killed at once, as in a crash. */
  stopImmediate(): Promise<void>;
  /** SIGKILL of the postmaster (its backends exit when they notice), then waits until the port is closed. */
  kill9(): Promise<void>;
  /** Stops the cluster (if running) and deletes its files. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a Postgres binary, as the postgres OS user when we are root. */
async function pg(bin: string, args: string[]): Promise<string> {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', OS_USER, '--', join(BIN, bin), ...args]] : [join(BIN, bin), args];
  try {
    const { stdout } = await run(cmd, argv, { timeout: 60_000 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

function tempDirForPostgres(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot) {
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${OS_USER}:`))?.split(':') ?? [];
    const [uid, gid] = [Number(entry[2]), Number(entry[3])];
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no OS user ${OS_USER} to own the private cluster`);
    chownSync(dir, uid, gid);
  }
  return dir;
}

/** True once the port refuses connections. */
function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

/** initdb in a temp dir and start on a free port; the caller must destroy() it. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const data = tempDirForPostgres('lectern-pg-data-');
  const sockets = tempDirForPostgres('lectern-pg-sock-');
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = false;
  let pid: number | undefined;
  const cleanup = () => {
    rmSync(data, { recursive: true, force: true });
    rmSync(sockets, { recursive: true, force: true });
  };
  const options = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', join(data, 'server.log'), '-w', '-t', '60', 'start']);
    running = true;
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  };
  const waitClosed = async () => {
    const until = Date.now() + 30_000;
    while (!(await portClosed(port))) {
      if (Date.now() > until) throw new Error(`private Postgres on ${port} still listening after being stopped`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await start();
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    url,
    port,
    start,
    async stopImmediate() {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
      await waitClosed();
    },
    async kill9() {
      if (pid === undefined) throw new Error('private Postgres is not running');
      process.kill(pid, 'SIGKILL');
      running = false;
      await waitClosed();
      // Orphaned backends notice the dead postmaster and exit; the next start waits for them.
    },
    async destroy() {
      if (running) await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      cleanup();
    },
  };
}
