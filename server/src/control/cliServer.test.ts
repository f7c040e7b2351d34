// The CLI beside a running server on the embedded database, as real processes from source:
// `user create` and `backup` go through the server's control socket (the CLI says so), the
// user then signs in over the server's HTTP API, `restore` is refused while it runs; with
// the server stopped (its socket gone) the CLI opens the directory itself, and the backup
// made through the server restores into a fresh data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDb } from '@lectern/db/testing';
import { users } from '@lectern/db';
import { freePort } from '../cluster/test/testRedis.js';
import { controlSocketPath } from './protocol.js';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lectern-cli-'));
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

const baseEnv = (dataDir: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  LECTERN_DATA_DIR: dataDir,
  LECTERN_LOG_LEVEL: 'warn',
  ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
});
const tsx = (entry: string, args: string[], env: Record<string, string>) =>
  spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', join(SERVER_DIR, 'src', entry), ...args], { cwd: SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });

function cli(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = tsx('cli.ts', args, { ...baseEnv(dataDir), ...env });
  procs.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function startServer(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const env = { ...baseEnv(dataDir), PORT: '0', HOST: '127.0.0.1', LECTERN_RTC_PORT_BASE: String(await freePort()), LECTERN_SFU_WORKERS: '1' };
  const proc = tsx('main.ts', [], env);
  procs.push(proc);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const look = (c: Buffer) => {
      out += c.toString();
      const m = /Lectern is running at (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    proc.stdout?.on('data', look);
    proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { proc, url };
}

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).then((r) => r.status);

describe('the CLI and a running server on the embedded database', () => {
  it('works through the running server, and opens the directory itself once it is stopped', async () => {
    const dataDir = mkdtempSync(join(scratch, 'd-'));
    const { proc, url } = await startServer(dataDir);
    const sock = controlSocketPath(dataDir);
    expect(statSync(sock).isSocket()).toBe(true);

    const teacher = { email: 'cli-teacher@example.test', password: `pw-${randomBytes(9).toString('hex')}` };
    const created = await cli(dataDir, ['user', 'create', '--email', teacher.email, '--password', teacher.password, '--role', 'teacher', '--name', 'Tess']);
    expect(created.stderr).toContain(`lectern: the server (PID ${proc.pid}) is running; done through it`);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: teacher.email, role: 'teacher', name: 'Tess' });
    expect(await login(url, teacher.email, teacher.password)).toBe(200);

    const dup = await cli(dataDir, ['user', 'create', '--email', teacher.email, '--password', teacher.password, '--role', 'teacher']);
    expect(dup.stderr).toMatch(/lectern: A user with this email already exists/);
    expect(dup.code).toBe(1);

    const archive = join(scratch, 'through-server.lectern.gz');
    const backup = await cli(dataDir, ['backup', archive]);
    expect(backup.stderr).toContain('done through it');
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file: archive, rows: expect.any(Number) });
    expect(statSync(archive).mode & 0o777).toBe(0o600);

    const restoreRunning = await cli(dataDir, ['restore', archive, '--force']);
    expect(restoreRunning.stderr).toMatch(new RegExp(`lectern: the server \\(PID ${proc.pid} on .*\\) is running on this embedded database: stop it before restoring`));
    expect(restoreRunning.code).toBe(1);

    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    expect(existsSync(sock)).toBe(false);

    const direct = await cli(dataDir, ['user', 'create', '--email', 'cli-student@example.test', '--password', `pw-${randomBytes(9).toString('hex')}`, '--role', 'student']);
    expect(direct.code).toBe(0);
    expect(direct.stderr).not.toContain('done through it');

    // The backup made through the server, restored into a fresh data directory by the CLI alone.
    const fresh = mkdtempSync(join(scratch, 'r-'));
    const restored = await cli(fresh, ['restore', archive]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const again = await startServer(fresh);
    try {
      expect(await login(again.url, teacher.email, teacher.password)).toBe(200);
    } finally {
      again.proc.kill('SIGTERM');
    }
  }, 180_000);
});

describe.runIf(process.env.DATABASE_URL)('the CLI on Postgres', () => {
  it('backup and restore connect directly; a damaged file is refused with exit 1', async () => {
    const [from, to] = [await createTestDb('postgres'), await createTestDb('postgres')];
    try {
      const pg = (db: typeof from) => ({ DATABASE_URL: db.url!, LECTERN_JWT_SECRET: randomBytes(32).toString('hex') });
      const dataDir = mkdtempSync(join(scratch, 'pg-'));
      const made = await cli(dataDir, ['user', 'create', '--email', 'pg-user@example.test', '--password', `pw-${randomBytes(9).toString('hex')}`, '--role', 'student'], pg(from));
      expect(made.code).toBe(0);
      const archive = join(scratch, 'pg.lectern.gz');
      const backup = await cli(dataDir, ['backup', archive], pg(from));
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);

      const damaged = join(scratch, 'pg-damaged.gz');
      const bytes = readFileSync(archive);
      writeFileSync(damaged, bytes.subarray(0, bytes.length - 20));
      const refused = await cli(dataDir, ['restore', damaged], pg(to));
      expect(refused.stderr).toMatch(/^lectern: .*pg-damaged\.gz is not a readable Lectern backup .*damaged or truncated/);
      expect(refused.code).toBe(1);
      expect(await to.db.select().from(users)).toEqual([]);

      const restored = await cli(dataDir, ['restore', archive], pg(to));
      expect(restored.code).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({ source: 'postgres', rows: JSON.parse(backup.stdout).rows });
      expect(await to.db.select().from(users)).toEqual(await from.db.select().from(users));
      const twice = await cli(dataDir, ['restore', archive], pg(to));
      expect(twice.stderr).toMatch(/not empty .*--force/);
      expect(twice.code).toBe(1);
    } finally {
      await from.destroy();
      await to.destroy();
    }
  }, 120_000);
});
