// The control socket: while a server owns the embedded database (which no other process may
// open), the CLI does its work through this Unix socket in the data directory. Access is the
// file system's: the socket (0600) lies in a directory (0700) owned by the server's user, so
// only that user (and root) can connect; Node cannot read the peer's credentials, so there
// is no further check. One JSON line in, one JSON line out (protocol.ts).
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { controlDir, controlSocketPath, ControlRequest, MAX_REQUEST_BYTES, type ControlResponse } from './protocol.js';

/** Unix socket paths are limited to 107 bytes on Linux (103 on macOS). */
const MAX_SOCKET_PATH = 100;
/** A client must send its request within this time. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** A private directory of ours: created 0700, and refused if it is a symlink or someone else's. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
  chmodSync(dir, 0o700);
}

function answer(socket: Socket, response: ControlResponse): void {
  socket.end(`${JSON.stringify(response)}\n`);
}

export async function startControlServer(opts: { dataDir: string; logger: Logger; handle: (req: ControlRequest) => Promise<unknown> }): Promise<ControlServer> {
  const path = controlSocketPath(opts.dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new Error(`the control socket path ${path} is too long for a Unix socket`);
  privateDir(controlDir(opts.dataDir));
  // The caller owns the data directory's lock, so a socket left here is a dead server's.
  try {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pid = process.pid;
  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    let buf = '';
    let done = false;
    socket.setEncoding('utf8');
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      if (done) return;
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0 && Buffer.byteLength(buf) <= MAX_REQUEST_BYTES) return;
      done = true;
      socket.setTimeout(0);
      if (nl < 0 || nl > MAX_REQUEST_BYTES) return answer(socket, { ok: false, pid, error: `request larger than ${MAX_REQUEST_BYTES} bytes` });
      let raw: unknown;
      try {
        raw = JSON.parse(buf.slice(0, nl));
      } catch {
        return answer(socket, { ok: false, pid, error: 'request is not JSON' });
      }
      const req = ControlRequest.safeParse(raw);
      if (!req.success) return answer(socket, { ok: false, pid, error: `invalid request: ${req.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` });
      opts.logger.info({ cmd: req.data.cmd }, 'control socket command');
      opts.handle(req.data).then(
        (result) => answer(socket, { ok: true, pid, result: result ?? null }),
        (err: unknown) => {
          opts.logger.warn({ err, cmd: req.data.cmd }, 'control socket command failed');
          answer(socket, { ok: false, pid, error: err instanceof Error ? err.message.slice(0, 4000) : 'failed' });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  let closed = false;
  return {
    path,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      try {
        unlinkSync(path);
      } catch {
        // already gone (net.Server unlinks its socket on close)
      }
    },
  };
}
