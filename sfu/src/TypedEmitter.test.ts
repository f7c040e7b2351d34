import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './TypedEmitter.js';

type Events = { ping: [n: number]; done: [] };

class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Events[K]): void {
    this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  it('TypedEmitter delivers to every listener even when one throws', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter((_event, error) => errors.push(error));
    const seen: number[] = [];
    emitter.on('ping', () => {
      throw new Error('boom');
    });
    emitter.on('ping', (n) => seen.push(n));
    emitter.fire('ping', 7);
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
  });

  it('TypedEmitter once listeners fire a single time and off removes listeners', () => {
    const emitter = new Emitter();
    let once = 0;
    let on = 0;
    const listener = (): void => void on++;
    emitter.once('done', () => void once++);
    emitter.on('done', listener);
    emitter.fire('done');
    emitter.fire('done');
    emitter.off('done', listener);
    emitter.fire('done');
    expect({ once, on }).toEqual({ once: 1, on: 2 });
    expect(emitter.listenerCount('done')).toBe(0);
  });
});
