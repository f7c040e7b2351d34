import { describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../errors.js';
import { HashGate } from './hashGate.js';

/** A task that finishes when the test says so. */
function deferred() {
  let done!: () => void;
  const promise = new Promise<void>((r) => (done = r));
  return { promise, done };
}

describe('HashGate', () => {
  it('runs at most `max` tasks at once, queues up to the bound and turns away the rest', async () => {
    const gate = new HashGate(2, 3);
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 6 }, () => deferred());
    const runs = tasks.map((d) =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await d.promise;
        running -= 1;
      }),
    );
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(3);
    await expect(runs[5]).rejects.toBeInstanceOf(TooManyRequestsError);
    for (const d of tasks) d.done();
    await Promise.all(runs.slice(0, 5));
    expect(peak).toBe(2);
    expect(gate.active).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it('frees its slot when a task fails', async () => {
    const gate = new HashGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
