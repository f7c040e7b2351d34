// Who we are in the room and the session's flags (title, status, locked, recording), as
// the server last told us: from `welcome`, the `join` answer, and the lock and recording
// notifications. Recording changes are announced, since everyone must know.
import type { NotificationMap, PeerInfo, RoomRole, SessionInfo } from '@lectern/server/protocol';
import { HeldEvents } from './heldEvents.js';
import { isHostRole } from './roomTypes.js';
import type { Signaling } from './Signaling.js';

export interface SessionStateDeps {
  notice(text: string): void;
  onChange(): void;
}

export class SessionState {
  readonly #deps: SessionStateDeps;
  displayName = '';
  role: RoomRole | null = null;
  session: SessionInfo | null = null;
  /** Webinar: the hosts let us publish. */
  promoted = false;
  /** Lock and recording changes told while a join is on its way: replayed over its answer. */
  readonly #held = new HeldEvents<Partial<Pick<SessionInfo, 'locked' | 'recording'>>>();

  constructor(sig: Signaling, deps: SessionStateDeps) {
    this.#deps = deps;
    sig.on('roomLocked', ({ locked }) => this.patch({ locked }));
    sig.on('recordingChanged', ({ recording }) => {
      if (this.session && this.session.recording !== recording) {
        deps.notice(recording ? 'Recording started: this session is being recorded.' : 'Recording stopped.');
      }
      this.patch({ recording });
    });
  }

  get isHost(): boolean {
    return isHostRole(this.role);
  }

  /** Everyone publishes, except in a webinar, where only hosts and presenters do. */
  get canPublish(): boolean {
    return !this.session?.webinarMode || this.isHost || this.promoted;
  }

  /** The session is over on the server (a late socket may still be welcomed). */
  get over(): boolean {
    return this.session?.status === 'completed' || this.session?.status === 'cancelled';
  }

  welcome(w: NotificationMap['welcome']): void {
    this.displayName = w.displayName;
    this.role = w.role;
    if (w.session.recording && !this.session?.recording) this.#deps.notice('This session is being recorded.');
    this.session = w.session;
    this.#deps.onChange();
  }

  /**
   * A join is being sent. The server reads the session for its answer after putting our socket
   * in the room: a lock made in between reaches us first, and the answer would undo it.
   */
  beginJoin(): void {
    this.#held.begin();
  }

  /** No join answer will be applied: what was held is already shown. */
  endJoin(): void {
    this.#held.take();
  }

  joined(self: PeerInfo, session: SessionInfo): void {
    this.displayName = self.displayName;
    this.role = self.role;
    this.session = this.#held.take().reduce<SessionInfo>((s, p) => ({ ...s, ...p }), session);
    this.promoted = self.promoted === true;
    this.#deps.onChange();
  }

  /** The host started the session. */
  started(): void {
    if (this.session?.status === 'scheduled') this.session = { ...this.session, status: 'live' };
    this.#deps.onChange();
  }

  patch(patch: Partial<Pick<SessionInfo, 'locked' | 'recording'>>): void {
    this.#held.hold(patch);
    if (this.session) this.session = { ...this.session, ...patch };
    this.#deps.onChange();
  }
}
