// In-process Bus. Messages are round-tripped through JSON so that what works here works
// over Redis too.
import { BusRequestError, DEFAULT_REQUEST_TIMEOUT_MS, errorReply, unwrapReply, type Bus, type MessageHandler, type Reply, type RequestHandler, type Unsubscribe } from './Bus.js';

const copy = (m: unknown): unknown => (m === undefined ? undefined : JSON.parse(JSON.stringify(m)));

export class MemoryBus implements Bus {
  readonly #subs = new Map<string, Set<MessageHandler>>();
  readonly #servers = new Map<string, RequestHandler>();
  #closed = false;

  publish(topic: string, message: unknown): Promise<void> {
    const handlers = this.#subs.get(topic);
    if (handlers && !this.#closed) {
      const payload = copy(message);
      // Deliver asynchronously, like a real broker.
      for (const h of [...handlers]) queueMicrotask(() => h(copy(payload)));
    }
    return Promise.resolve();
  }

  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    let set = this.#subs.get(topic);
    if (!set) this.#subs.set(topic, (set = new Set()));
    set.add(handler);
    return Promise.resolve(() => {
      set.delete(handler);
      if (set.size === 0) this.#subs.delete(topic);
      return Promise.resolve();
    });
  }

  async request<T>(topic: string, message: unknown, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<T> {
    const handler = this.#servers.get(topic);
    if (!handler || this.#closed) throw new BusRequestError('no_server', `nobody serves ${topic}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BusRequestError('timeout', `request to ${topic} timed out`)), timeoutMs);
    });
    try {
      const reply: Reply = await Promise.race([
        handler(copy(message)).then(
          (data): Reply => ({ ok: true, data: copy(data) }),
          (err: unknown) => errorReply(err),
        ),
        timeout,
      ]);
      return unwrapReply<T>(reply);
    } finally {
      clearTimeout(timer);
    }
  }

  serve(topic: string, handler: RequestHandler): Promise<Unsubscribe> {
    this.#servers.set(topic, handler);
    return Promise.resolve(() => {
      if (this.#servers.get(topic) === handler) this.#servers.delete(topic);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#subs.clear();
    this.#servers.clear();
    return Promise.resolve();
  }
}
