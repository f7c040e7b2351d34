// What the server tells while our `join` is on its way. The gateway puts our socket in the room
// before it reads the state for its answer, so a change made in between reaches us first and the
// answer would undo it: such events are held from the join's start and replayed over the answer.

/** At most this many are held (far more than a join's round trip brings). */
const MAX_HELD = 10_000;

export class HeldEvents<E> {
  #held: E[] | null = null;

  /** The join is being sent: hold from now on. */
  begin(): void {
    this.#held = [];
  }

  /** Kept for the answer when a join is on its way; nothing otherwise. */
  hold(event: E): void {
    if (this.#held && this.#held.length < MAX_HELD) this.#held.push(event);
  }

  /** What was held since begin, in order; holding stops. */
  take(): E[] {
    const held = this.#held ?? [];
    this.#held = null;
    return held;
  }
}
