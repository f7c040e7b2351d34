// receiveUpload keeps nothing on disk from a refused upload.
import { mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorHandler from '../plugins/errorHandler.js';
import { receiveUpload } from './uploads.js';

const MAX = 64;
const boundary = '----lectern';
const body = (name: string, content: Buffer) =>
  Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);

describe('receiveUpload', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lectern-uploads-')), 'files');
  let app: FastifyInstance;
  let n = 0;
  /** Settles when a request's handler has finished, whatever the outcome. */
  let handled: Promise<void> = Promise.resolve();
  let settle = () => undefined as void;
  beforeAll(async () => {
    app = Fastify();
    await app.register(errorHandler);
    await app.register(fastifyMultipart, { limits: { fileSize: MAX, files: 1 } });
    app.post('/up', async (request) => {
      try {
        const stored = await receiveUpload(request, { types: { txt: 'text/plain' }, maxBytes: MAX, dir, id: `f${(n += 1)}` });
        return { size: stored.sizeBytes };
      } finally {
        settle();
      }
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());
  const post = (name: string, content: Buffer) => app.inject({ method: 'POST', url: '/up', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body(name, content) });

  it('stores a file within the limit', async () => {
    const res = await post('a.txt', Buffer.alloc(MAX, 'a'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ size: MAX });
    expect(readdirSync(dir)).toEqual(['f1']);
  });

  it('refuses an oversize file with 413 and removes what was written of it', async () => {
    const res = await post('big.txt', Buffer.alloc(MAX * 100, 'b'));
    expect(res.statusCode, res.body).toBe(413);
    expect(readdirSync(dir)).toEqual(['f1']);
  });

  it('removes the partial file of an upload the client abandons', async () => {
    handled = new Promise<void>((r) => (settle = r));
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const head = body('cut.txt', Buffer.alloc(0)).subarray(0, -(`\r\n--${boundary}--\r\n`.length));
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', r));
    socket.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n`);
    socket.write(Buffer.concat([head, Buffer.alloc(20, 'c')]));
    // Wait for the part to reach the disk, then hang up mid-file.
    await expect.poll(() => readdirSync(dir).length, { timeout: 5000 }).toBe(2);
    socket.destroy();
    await handled;
    expect(readdirSync(dir)).toEqual(['f1']);
  });
});
