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
