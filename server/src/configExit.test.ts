// A configuration error stops the process before it listens or touches a database, with
// exit code 78 (EX_CONFIG) and the offending variable named: the server and the CLI, run as
// real processes from source with a bad environment.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'x7Gq2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA';

/** Runs `entry` (relative to src/) with only `env` (plus PATH); kills it if it is still up after 30 s. */
function run(entry: string, env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', join(SERVER_DIR, 'src', entry), ...args], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '', LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'lectern-exit-')), PORT: '0', LECTERN_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('configuration errors stop the process with 78', () => {
  it('server: a malformed value', async () => {
    const r = await run('main.ts', { PORT: 'eighty' });
    expect(r.stderr).toMatch(/PORT/);
    expect(r.code).toBe(78);
  });

  it('server: a VAPID public key without its private key, and the reverse', async () => {
    const pub = await run('main.ts', { LECTERN_VAPID_PUBLIC_KEY: 'B'.repeat(87) });
    expect(pub.stderr).toMatch(/LECTERN_VAPID_PUBLIC_KEY and LECTERN_VAPID_PRIVATE_KEY must be set together/);
    expect(pub.code).toBe(78);
    const priv = await run('main.ts', { LECTERN_VAPID_PRIVATE_KEY: 'Gh3kR9pXw2LmT7vQz5NcB1yJ8fD4sA6eU0oIiKqWrYt' });
    expect(priv.stderr).toMatch(/must be set together/);
    expect(priv.code).toBe(78);
  });

  it('server: DATABASE_URL without LECTERN_JWT_SECRET (nothing listens on its port: the check comes first)', async () => {
    const r = await run('main.ts', { DATABASE_URL: 'postgres://lectern@127.0.0.1:1/none' });
    expect(r.stderr).toMatch(/LECTERN_JWT_SECRET is required when DATABASE_URL is set/);
    expect(r.code).toBe(78);
  });

  it('server: reminder offsets that are not minutes', async () => {
    const r = await run('main.ts', { LECTERN_REMINDER_OFFSETS: '15,soon', LECTERN_JWT_SECRET: SECRET });
    expect(r.stderr).toMatch(/LECTERN_REMINDER_OFFSETS/);
    expect(r.code).toBe(78);
  });

  it('cli: a bad environment', async () => {
    const r = await run('cli.ts', { LECTERN_ROLE: 'db' }, ['user', 'create', '--email', 'a@b.test', '--password', 'long-enough-pw', '--role', 'teacher']);
    expect(r.stderr).toMatch(/LECTERN_ROLE/);
    expect(r.code).toBe(78);
  });

  it('cli: the embedded database held by a running server is refused with its PID (exit 1, nothing written)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lectern-held-'));
    mkdirSync(join(dataDir, 'pglite'));
    // The lock a running Lectern holds: this test process stands in for it.
    writeFileSync(join(dataDir, 'pglite.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-29T10:00:00.000Z' }));
    const r = await run('cli.ts', { LECTERN_DATA_DIR: dataDir }, ['user', 'create', '--email', 'a@b.test', '--password', 'long-enough-pw', '--role', 'teacher', '--name', 'A']);
    expect(r.stderr).toMatch(new RegExp(`in use by process ${process.pid} on .*stop that process first, or do this through the running server`));
    expect(r.code).toBe(1);
    expect(readdirSync(join(dataDir, 'pglite'))).toEqual([]);
  });
});
