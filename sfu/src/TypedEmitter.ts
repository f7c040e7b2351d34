import { EventEmitter } from 'node:events';

/** Event name -> listener argument tuple. */
export type EventMap = Record<string, unknown[]>;

export type Listener<Args extends unknown[]> = (...args: Args) => void;

/**
 * A small typed wrapper over node's EventEmitter. `emit` never throws: a listener that
 * throws is reported to `onListenerError` so one bad subscriber cannot break the emitter.
 */
export class TypedEmitter<Events extends EventMap> {
  readonly #emitter = new EventEmitter();
  readonly #onListenerError: (event: string, error: unknown) => void;

  constructor(onListenerError?: (event: string, error: unknown) => void) {
    this.#emitter.setMaxListeners(0);
    this.#onListenerError =
      onListenerError ??
      ((event, error) => {
        process.emitWarning(`listener for "${event}" threw: ${String(error)}`);
      });
  }

  on<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): this {
    this.#emitter.on(event, listener as Listener<unknown[]>);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): this {
    this.#emitter.once(event, listener as Listener<unknown[]>);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): this {
    this.#emitter.off(event, listener as Listener<unknown[]>);
    return this;
  }

  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  removeAllListeners(): this {
    this.#emitter.removeAllListeners();
    return this;
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    for (const listener of this.#emitter.rawListeners(event) as Listener<Events[K]>[]) {
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
  }
}
