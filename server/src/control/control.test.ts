// The control socket on its own: private permissions, a dead server's socket replaced, strict
// requests (size, JSON, known commands with valid arguments), removed on close.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { sendControl, ControlUnavailableError } from './client.js';
import { controlSocketPath, MAX_REQUEST_BYTES, type ControlRequest } from './protocol.js';
import { startControlServer } from './server.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'lectern-ctl-'));
  dirs.push(d);
  return d;
};

/** Sends raw bytes, returns the raw answer. */
function raw(path: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path, () => s.write(bytes));
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (out += c));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('control socket', () => {
  it('is private (dir 0700, socket 0600), answers valid commands, refuses anything else, and is removed on close', async () => {
    const dir = dataDir();
    const seen: ControlRequest[] = [];
    const server = await startControlServer({
      dataDir: dir,
      logger: createLogger('silent'),
      handle: async (req) => {
        seen.push(req);
        if (req.cmd === 'backup') throw new Error('disk full');
        return { pong: true };
      },
    });
    expect(server.path).toBe(controlSocketPath(dir));
    expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(server.path).mode & 0o777).toBe(0o600);

    expect(await sendControl(server.path, { v: 1, cmd: 'ping' })).toEqual({ ok: true, pid: process.pid, result: { pong: true } });
    expect(await sendControl(server.path, { v: 1, cmd: 'backup', args: { file: '/tmp/x.gz' } })).toEqual({ ok: false, pid: process.pid, error: 'disk full' });

    const refused = async (bytes: string) => JSON.parse(await raw(server.path, bytes)) as { ok: boolean; error: string };
    expect(await refused('not json\n')).toMatchObject({ ok: false, error: 'request is not JSON' });
    expect(await refused('{"v":1,"cmd":"sql","args":"drop table users"}\n')).toMatchObject({ ok: false, error: expect.stringMatching(/invalid request/) });
    expect(await refused('{"v":1,"cmd":"backup","args":{"file":"relative.gz"}}\n')).toMatchObject({ ok: false, error: expect.stringMatching(/absolute path/) });
    expect(await refused('{"v":1,"cmd":"user.create","args":{"email":"a@b.test","password":"short","role":"admin"}}\n')).toMatchObject({ ok: false, error: expect.stringMatching(/at least 10/) });
    expect(await refused('{"v":1,"cmd":"ping","extra":1}\n')).toMatchObject({ ok: false, error: expect.stringMatching(/invalid request/) });
    expect(await refused(`{"v":1,"cmd":"ping","pad":"${'x'.repeat(MAX_REQUEST_BYTES)}"}\n`)).toMatchObject({ ok: false, error: `request larger than ${MAX_REQUEST_BYTES} bytes` });
    expect(seen.map((r) => r.cmd)).toEqual(['ping', 'backup']);

    await server.close();
    expect(existsSync(server.path)).toBe(false);
    await expect(sendControl(server.path, { v: 1, cmd: 'ping' })).rejects.toBeInstanceOf(ControlUnavailableError);
  });

  it("a killed server's socket file is replaced by the next server", async () => {
    const dir = dataDir();
    const path = controlSocketPath(dir);
    // A process that listens on the path and is killed -9 leaves its socket file behind.
    const child = spawn(
      process.execPath,
      ['-e', `require('fs').mkdirSync(${JSON.stringify(join(dir, 'run'))},{mode:0o700});require('net').createServer().listen(${JSON.stringify(path)},()=>console.log('up'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((r) => child.stdout.once('data', r));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(statSync(path).isSocket()).toBe(true);
    await expect(sendControl(path, { v: 1, cmd: 'ping' })).rejects.toThrow(/ECONNREFUSED/);

    const server = await startControlServer({ dataDir: dir, logger: createLogger('silent'), handle: async () => 'fresh' });
    try {
      expect(await sendControl(path, { v: 1, cmd: 'ping' })).toMatchObject({ ok: true, result: 'fresh' });
    } finally {
      await server.close();
    }
  });
});
