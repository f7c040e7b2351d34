// The typed face of the Bus that the program uses: publish and subscribe by a topic of
// TOPICS with its message type; arrivals are validated against the topic's schema, and a
// subscriber that throws is logged, never lets the error reach the transport. Requests
// (SFU RPC) pass through unchanged.
import type { Logger } from '../logger.js';
import type { Bus, RequestHandler, Unsubscribe } from './Bus.js';
import { TOPICS, type Topic, type TopicMessage } from './topics.js';

export class EventBus {
  readonly #transport: Bus;
  readonly #log: Logger | undefined;

  constructor(transport: Bus, logger?: Logger) {
    this.#transport = transport;
    this.#log = logger?.child({ component: 'bus' });
  }

  publish<T extends Topic>(topic: T, message: TopicMessage<T>): Promise<void> {
    return this.#transport.publish(topic, message);
  }

  subscribe<T extends Topic>(topic: T, handler: (message: TopicMessage<T>) => void | Promise<void>): Promise<Unsubscribe> {
    const schema = TOPICS[topic];
    return this.#transport.subscribe(topic, (raw) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        this.#log?.warn({ topic, issue: parsed.error.issues[0]?.message }, 'malformed bus message dropped');
        return;
      }
      try {
        const done = handler(parsed.data as TopicMessage<T>);
        if (done instanceof Promise) done.catch((err: unknown) => this.#log?.error({ err, topic }, 'bus subscriber failed'));
      } catch (err) {
        this.#log?.error({ err, topic }, 'bus subscriber failed');
      }
    });
  }

  request<T = unknown>(topic: string, message: unknown, timeoutMs?: number): Promise<T> {
    return this.#transport.request<T>(topic, message, timeoutMs);
  }

  serve(topic: string, handler: RequestHandler): Promise<Unsubscribe> {
    return this.#transport.serve(topic, handler);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}
