// The roster, live: feeds the socket's roster notifications through the pure reducer in
// roster.ts and asks the caller for the media side (consume what appeared, drop what went).
import type { LobbyEntry, ProducerInfo } from '@lectern/server/protocol';
import type { RemoteConsumer } from './RoomMedia.js';
import { allProducers, EMPTY_ROSTER, hasProducer, reduceRoster, type RosterEvent, type RosterState } from './roster.js';
import { HeldEvents } from './heldEvents.js';
import type { Signaling } from './Signaling.js';

export interface RoomRosterDeps {
  /** Start receiving a remote producer; `wanted` says whether the roster still lists it. */
  consume(producer: ProducerInfo, wanted: () => boolean): void;
  dropConsumers(match: (rc: RemoteConsumer) => boolean): void;
  lobbyChanged(before: readonly LobbyEntry[], after: readonly LobbyEntry[]): void;
  onChange(): void;
}

export class RoomRoster {
  readonly #deps: RoomRosterDeps;
  #state: RosterState = EMPTY_ROSTER;
  /** Events that arrived since the join was sent: replayed over its snapshot (see endJoin). */
  readonly #held = new HeldEvents<RosterEvent>();

  constructor(sig: Signaling, deps: RoomRosterDeps) {
    this.#deps = deps;
    sig.on('peerJoined', ({ peer }) => {
      if (this.apply({ type: 'peerJoined', peer }, true)) for (const p of peer.producers) this.#consume(p);
    });
    sig.on('peerLeft', ({ peerId }) => {
      deps.dropConsumers((rc) => rc.peerId === peerId);
      this.apply({ type: 'peerLeft', peerId }, true);
    });
    sig.on('newProducer', (producer) => {
      if (this.apply({ type: 'newProducer', producer }, true)) this.#consume(producer);
    });
    sig.on('producerClosed', ({ peerId, producerId }) => {
      deps.dropConsumers((rc) => rc.producerId === producerId);
      this.apply({ type: 'producerClosed', peerId, producerId }, true);
    });
    // The SFU closed a consumer of ours because its producer is gone where we receive it (the
    // node carrying it died, or it closed): that producer is gone for us, producerClosed or not.
    sig.on('consumerClosed', ({ producerId }) => {
      deps.dropConsumers((rc) => rc.producerId === producerId);
      const owner = [...this.#state.peers.values()].find((p) => p.producers.has(producerId));
      if (owner) this.apply({ type: 'producerClosed', peerId: owner.peerId, producerId }, true);
    });
    sig.on('producerPaused', ({ peerId, producerId }) => this.apply({ type: 'producerPaused', peerId, producerId, paused: true }, true));
    sig.on('producerResumed', ({ peerId, producerId }) => this.apply({ type: 'producerPaused', peerId, producerId, paused: false }, true));
    sig.on('rosterChanged', ({ added, removed, total }) => {
      if (removed.length > 0) {
        const gone = new Set(removed);
        deps.dropConsumers((rc) => gone.has(rc.peerId));
      }
      this.apply({ type: 'rosterChanged', added, removed, total }, true);
    });
    sig.on('peerPromoted', ({ peerId, promoted }) => this.apply({ type: 'promoted', peerId, promoted }));
    sig.on('activeSpeaker', ({ peerId }) => this.apply({ type: 'activeSpeaker', peerId }));
    sig.on('lobbyChanged', ({ lobby }) => {
      const before = this.#state.lobby;
      this.apply({ type: 'lobby', lobby }, true);
      deps.lobbyChanged(before, lobby);
    });
  }

  get state(): RosterState {
    return this.#state;
  }

  /**
   * A join is being sent. Our socket may already be in the room (a rebuild after
   * reconnectRequired): a producer made while the server builds our snapshot arrives as
   * newProducer before the answer and may be missing from it. Events from now on are held.
   */
  beginJoin(): void {
    this.#held.begin();
  }

  /** The join's answer (null: none came, or the server kept us joined): its snapshot, then every event held since beginJoin, in order. */
  endJoin(snapshot: Extract<RosterEvent, { type: 'joined' }> | null): void {
    const held = this.#held.take();
    if (!snapshot) return;
    let next = reduceRoster(this.#state, snapshot);
    for (const event of held) next = reduceRoster(next, event);
    this.#state = next;
    this.#deps.onChange();
  }

  /** Applies an event; true when it changed anything. `always` notifies even when not. */
  apply(event: RosterEvent, always = false): boolean {
    if (event.type !== 'joined') this.#held.hold(event);
    const next = reduceRoster(this.#state, event);
    const changed = next !== this.#state;
    this.#state = next;
    if (changed || always) this.#deps.onChange();
    return changed;
  }

  /** After a (re)join: receive everything the roster lists. */
  consumeAll(): void {
    for (const p of allProducers(this.#state)) this.#consume(p);
  }

  #consume(producer: ProducerInfo): void {
    if (producer.peerId === this.#state.self) return;
    this.#deps.consume(producer, () => hasProducer(this.#state, producer.peerId, producer.producerId));
  }
}
