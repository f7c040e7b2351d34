// The short messages over the call ("Ada is waiting in the lobby", "Recording started"):
// deduplicated by text, at most a few at once, each gone after a while. The lobby's
// notices close by themselves when the person is admitted, denied or leaves.
import type { LobbyEntry } from '@lectern/server/protocol';
import { lobbyChanges } from './roster.js';
import type { Notice } from './roomTypes.js';

export interface NoticeOptions {
  /** How long a notice stays, ms. */
  ttlMs: number;
  /** How many show at once (the oldest go first). */
  max: number;
  /** Injected for tests. */
  setTimer(fn: () => void, ms: number): unknown;
}

const DEFAULTS: NoticeOptions = { ttlMs: 6000, max: 4, setTimer: (fn, ms) => setTimeout(fn, ms) };

export class Notices {
  readonly #onChange: () => void;
  readonly #opts: NoticeOptions;
  #list: readonly Notice[] = [];
  #seq = 0;
  /** Lobby peer id -> the id of the notice announcing them. */
  readonly #lobby = new Map<string, number>();

  constructor(onChange: () => void, opts: Partial<NoticeOptions> = {}) {
    this.#onChange = onChange;
    this.#opts = { ...DEFAULTS, ...opts };
  }

  get list(): readonly Notice[] {
    return this.#list;
  }

  /** Shows a message; returns its id (null when the same text is already showing). */
  show(text: string, tone: Notice['tone'] = 'info'): number | null {
    if (this.#list.some((n) => n.text === text)) return null;
    const id = ++this.#seq;
    this.#list = [...this.#list, { id, text, tone }].slice(-this.#opts.max);
    this.#opts.setTimer(() => this.dismiss(id), this.#opts.ttlMs);
    this.#onChange();
    return id;
  }

  dismiss(id: number): void {
    const next = this.#list.filter((n) => n.id !== id);
    if (next.length === this.#list.length) return;
    this.#list = next;
    this.#onChange();
  }

  /** The lobby changed: announce newcomers (to hosts) and close notices of those gone. */
  lobbyChanged(before: readonly LobbyEntry[], after: readonly LobbyEntry[], announce: boolean): void {
    const now = new Set(after.map((e) => e.peerId));
    for (const [peerId, noticeId] of this.#lobby) {
      if (now.has(peerId)) continue;
      this.#lobby.delete(peerId);
      this.dismiss(noticeId);
    }
    if (!announce) return;
    for (const e of lobbyChanges(before, after).arrived) {
      const id = this.show(`${e.displayName} is waiting in the lobby.`);
      if (id !== null) this.#lobby.set(e.peerId, id);
    }
  }
}
