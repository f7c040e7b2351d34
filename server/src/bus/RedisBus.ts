// Redis Bus: pub/sub over Redis channels, and request/response as a published request
// carrying a reply channel. Two connections: one for commands, one in subscriber mode.
// ioredis reconnects and resubscribes on its own, so a Redis restart heals without a
// process restart; requests fail fast while Redis is unreachable or nobody serves a topic.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { closeRedis } from '../infra/closeRedis.js';
import { BusRequestError, DEFAULT_REQUEST_TIMEOUT_MS, errorReply, unwrapReply, type Bus, type MessageHandler, type Reply, type RequestHandler, type Unsubscribe } from './Bus.js';

interface RequestEnvelope {
  id: string;
  replyTo: string;
  body: unknown;
}
interface ReplyEnvelope {
  id: string;
  reply: Reply;
}

interface Pending {
  resolve: (r: Reply) => void;
  timer: NodeJS.Timeout;
}

export interface RedisBusOptions {
  /** Command connection (PUBLISH). The bus does not own it unless `own` is set. */
  pub: Redis;
  /** Subscriber connection: put into subscriber mode, owned and closed by the bus. */
  sub: Redis;
  logger: Logger;
  /** Prefix of every channel (default ''). */
  prefix?: string;
  /** Close `pub` on close() too. */
  ownPub?: boolean;
}

export class RedisBus implements Bus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #log: Logger;
  readonly #prefix: string;
  readonly #ownPub: boolean;
  readonly #replyChannel: string;
  readonly #handlers = new Map<string, Set<(raw: string) => void>>();
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  private constructor(opts: RedisBusOptions) {
    this.#pub = opts.pub;
    this.#sub = opts.sub;
    this.#log = opts.logger.child({ component: 'bus' });
    this.#prefix = opts.prefix ?? '';
    this.#ownPub = opts.ownPub ?? false;
    this.#replyChannel = `${this.#prefix}lectern:bus:reply:${randomUUID()}`;
    this.#sub.on('message', (channel: string, raw: string) => this.#onMessage(channel, raw));
    // ioredis re-subscribes after a reconnect; this also covers subscriptions made while Redis was away.
    this.#sub.on('ready', () => {
      const channels = [...this.#handlers.keys()];
      if (channels.length > 0 && !this.#closed) this.#sub.subscribe(...channels).catch(() => undefined);
    });
  }

  /** Subscribes the reply channel before returning, so requests can be answered at once. */
  static async create(opts: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(opts);
    await bus.#listen(bus.#replyChannel, (raw) => bus.#onReply(raw));
    return bus;
  }

  /** True while both connections are usable. */
  get connected(): boolean {
    return this.#pub.status === 'ready' && this.#sub.status === 'ready';
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.#closed) return;
    // Pub/sub is at-most-once, as with MemoryBus: a message published while Redis is away is lost, never thrown.
    await this.#pub.publish(this.#channel(topic), JSON.stringify(message ?? null)).catch((err: unknown) => {
      this.#log.warn({ err: (err as Error).message, topic }, 'publish failed');
    });
  }

  async subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    const wrapped = (raw: string) => {
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return this.#log.warn({ topic }, 'dropped a message that is not JSON');
      }
      try {
        handler(message);
      } catch (err) {
        this.#log.error({ err, topic }, 'bus subscriber threw');
      }
    };
    const channel = this.#channel(topic);
    await this.#listen(channel, wrapped);
    return () => this.#unlisten(channel, wrapped);
  }

  async request<T>(topic: string, message: unknown, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<T> {
    if (this.#closed) throw new BusRequestError('closed', 'bus is closed');
    if (!this.connected) throw new BusRequestError('unavailable', `bus is not connected (request to ${topic})`);
    const id = randomUUID();
    const reply = new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ ok: false, code: 'timeout', message: `request to ${topic} timed out` });
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
    });
    const envelope: RequestEnvelope = { id, replyTo: this.#replyChannel, body: message ?? null };
    let receivers: number;
    try {
      receivers = await this.#pub.publish(this.#rpcChannel(topic), JSON.stringify(envelope));
    } catch (err) {
      this.#settle(id, { ok: false, code: 'unavailable', message: `bus publish failed: ${(err as Error).message}` });
      return unwrapReply<T>(await reply);
    }
    if (receivers === 0) this.#settle(id, { ok: false, code: 'no_server', message: `nobody serves ${topic}` });
    return unwrapReply<T>(await reply);
  }

  async serve(topic: string, handler: RequestHandler): Promise<Unsubscribe> {
    const onRequest = (raw: string) => {
      let env: RequestEnvelope;
      try {
        env = JSON.parse(raw) as RequestEnvelope;
        if (typeof env.id !== 'string' || typeof env.replyTo !== 'string') throw new Error('bad envelope');
      } catch {
        return this.#log.warn({ topic }, 'dropped a malformed request');
      }
      void (async () => {
        let reply: Reply;
        try {
          const data: unknown = await handler(env.body);
          reply = { ok: true, data: data ?? null };
        } catch (err) {
          reply = errorReply(err);
        }
        const out: ReplyEnvelope = { id: env.id, reply };
        await this.#pub.publish(env.replyTo, JSON.stringify(out)).catch((err: unknown) => {
          this.#log.warn({ err: (err as Error).message, topic }, 'could not send a reply');
        });
      })();
    };
    const channel = this.#rpcChannel(topic);
    await this.#listen(channel, onRequest);
    return () => this.#unlisten(channel, onRequest);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id] of this.#pending) this.#settle(id, { ok: false, code: 'closed', message: 'bus closed' });
    this.#handlers.clear();
    await Promise.all([closeRedis(this.#sub), this.#ownPub ? closeRedis(this.#pub) : undefined]);
  }

  // ------------------------------------------------------------------ internals

  #channel(topic: string): string {
    return `${this.#prefix}${topic}`;
  }

  #rpcChannel(topic: string): string {
    return `${this.#prefix}rpc:${topic}`;
  }

  async #listen(channel: string, fn: (raw: string) => void): Promise<void> {
    let set = this.#handlers.get(channel);
    if (!set) {
      set = new Set();
      this.#handlers.set(channel, set);
      set.add(fn);
      try {
        await this.#sub.subscribe(channel);
      } catch (err) {
        // ioredis re-subscribes known channels on reconnect; an offline subscribe is retried then.
        this.#log.warn({ err: (err as Error).message, channel }, 'subscribe deferred until Redis is back');
      }
      return;
    }
    set.add(fn);
  }

  async #unlisten(channel: string, fn: (raw: string) => void): Promise<void> {
    const set = this.#handlers.get(channel);
    if (!set?.delete(fn) || set.size > 0) return;
    this.#handlers.delete(channel);
    if (!this.#closed) await this.#sub.unsubscribe(channel).catch(() => undefined);
  }

  #onMessage(channel: string, raw: string): void {
    const set = this.#handlers.get(channel);
    if (!set) return;
    for (const fn of [...set]) fn(raw);
  }

  #onReply(raw: string): void {
    let env: ReplyEnvelope;
    try {
      env = JSON.parse(raw) as ReplyEnvelope;
    } catch {
      return;
    }
    if (typeof env.id === 'string' && env.reply && typeof env.reply === 'object') this.#settle(env.id, env.reply);
  }

  #settle(id: string, reply: Reply): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }
}
