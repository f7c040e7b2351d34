// A small semaphore for password hashing. Each scrypt takes a libuv pool thread (there are
// four) and 128 MiB for ~100 ms or more; unbounded, a sign-in flood starves file and DNS
// work and memory. Past the cap requests wait in a bounded queue; past that they get 429.
import { TooManyRequestsError } from '../errors.js';

export class HashGate {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private max: number,
    private maxQueue: number,
  ) {}

  /** Changes the limits (from the config, once per process); running tasks keep their slots. */
  configure(max: number, maxQueue: number): void {
    this.max = max;
    this.maxQueue = maxQueue;
    this.#wakeNext();
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.max) {
      if (this.#waiting.length >= this.maxQueue) throw new TooManyRequestsError(1, 'The server is busy signing people in; try again in a moment');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await task();
    } finally {
      this.#active -= 1;
      this.#wakeNext();
    }
  }

  /** Hands free slots to the longest-waiting tasks (the slot is taken on their behalf). */
  #wakeNext(): void {
    while (this.#active < this.max && this.#waiting.length > 0) {
      this.#active += 1;
      this.#waiting.shift()?.();
    }
  }
}
