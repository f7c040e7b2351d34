// Test helper: a private redis-server on a random loopback port that a test may stop and
// start again freely (the shared machine Redis must never be restarted or flushed).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_SERVER_BIN = '/usr/bin/redis-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRedisOptions {
  port?: number;
  /** requirepass */
  password?: string;
  /** Serve TLS only (no plain port), with these PEM files. */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

export class TestRedis {
  #proc: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly options: TestRedisOptions,
  ) {}

  static async start(opts: TestRedisOptions = {}): Promise<TestRedis> {
    const r = new TestRedis(opts.port ?? (await freePort()), opts);
    await r.start();
    return r;
  }

  get url(): string {
    const auth = this.options.password ? `:${encodeURIComponent(this.options.password)}@` : '';
    return `${this.options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#proc !== undefined;
  }

  async start(): Promise<void> {
    if (this.#proc) return;
    const { password, tls } = this.options;
    const ports = tls
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no']
      : ['--port', String(this.port)];
    const args = [...ports, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(password ? ['--requirepass', password] : [])];
    const proc = spawn(REDIS_SERVER_BIN, args, { stdio: 'ignore' });
    this.#proc = proc;
    proc.once('exit', () => {
      if (this.#proc === proc) this.#proc = undefined;
    });
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...(tls ? { tls: { ca: readFileSync(tls.caFile) } } : {}),
    });
    probe.on('error', () => undefined);
    try {
      for (let i = 0; ; i++) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (err) {
          if (i > 100) throw err;
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** Stops the server (SIGKILL by default: no clean shutdown, like a crash). */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.#proc;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
    this.#proc = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
