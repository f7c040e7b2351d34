// The CLI's side of the control socket (server.ts): one request, one answer.
import { createConnection } from 'node:net';
import { ControlResponse, MAX_RESPONSE_BYTES, type ControlRequest } from './protocol.js';

/** Nobody answers on the socket (no file, refused, or no answer in time). */
export class ControlUnavailableError extends Error {
  constructor(path: string, reason: string) {
    super(`its control socket ${path} did not answer (${reason})`);
    this.name = 'ControlUnavailableError';
  }
}

/** Sends `req`; resolves with the server's answer (ok or not). `timeoutMs` bounds the wait for the answer. */
export function sendControl(path: string, req: ControlRequest, timeoutMs = 10 * 60_000): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buf = '';
    let connected = false;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => fail(new ControlUnavailableError(path, 'timed out')));
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(req)}\n`);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => fail(connected ? err : new ControlUnavailableError(path, err.code ?? err.message)));
    socket.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_RESPONSE_BYTES) fail(new Error('control socket answer too large'));
    });
    socket.on('end', () => {
      const line = buf.split('\n')[0] ?? '';
      try {
        const parsed = ControlResponse.safeParse(JSON.parse(line));
        if (parsed.success) resolve(parsed.data);
        else reject(new Error('malformed answer from the control socket'));
      } catch {
        reject(new Error('malformed answer from the control socket'));
      }
    });
  });
}
