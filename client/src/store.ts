// A minimal observable value and the hook that re-renders a component when it changes.
import { useEffect, useReducer } from 'preact/hooks';

export class Store<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();

  constructor(value: T) {
    this.#value = value;
  }

  get(): T {
    return this.#value;
  }

  set(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const fn of [...this.#listeners]) fn();
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.#value));
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}

export interface Subscribable<T> {
  get(): T;
  subscribe(fn: () => void): () => void;
}

export function useStore<T>(store: Subscribable<T>): T {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const value = store.get();
  useEffect(() => {
    const off = store.subscribe(() => bump(undefined));
    // Catch a change that happened between render and subscription.
    if (!Object.is(store.get(), value)) bump(undefined);
    return off;
  }, [store]);
  return value;
}

/**
 * A REST snapshot of state that live socket events also change. An event that arrives while
 * the request is in flight may be missing from its answer (read before the server wrote it);
 * applying that answer would undo the event. Each live event calls `changed()`, and a load
 * that raced one is read again (the server writes before it publishes, so the next read has
 * it) instead of being applied; after a few tries the last answer is applied anyway.
 */
export function liveSnapshot<T>(fetch: () => Promise<T>, apply: (snapshot: T) => void, tries = 4): { changed(): void; load(): Promise<void> } {
  let changes = 0;
  return {
    changed: () => void changes++,
    async load() {
      for (let attempt = 1; ; attempt++) {
        const seen = changes;
        const snapshot = await fetch();
        if (seen === changes || attempt >= tries) return apply(snapshot);
      }
    },
  };
}
