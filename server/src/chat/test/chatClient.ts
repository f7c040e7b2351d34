// Test and benchmark helper: a chat client over the /chat namespace that never loses a
// message: sends carry a clientId and are retried (same id) until acknowledged; live
// messages are kept by seq; after every reconnect it asks for everything after the last
// gap-free seq it has.
import { io as connect, type Socket } from 'socket.io-client';
import { CHAT_NAMESPACE, type ChatAck, type Message } from '../contract.js';

export class ChatTestClient {
  readonly socket: Socket;
  /** seq -> message, per conversation. */
  readonly seen = new Map<string, Map<number, Message>>();
  readonly acked = new Map<string, Message>();
  /** Live 'message' events with their arrival time (performance.now()). */
  onMessage: ((m: Message, at: number) => void) | undefined;
  reconnects = 0;
  resends = 0;
  /** Why sends were retried: error code (or 'timeout') -> count. */
  readonly retryReasons = new Map<string, number>();

  constructor(
    url: string,
    token: string,
    readonly conversationId: string,
    opts: { reconnectionDelay?: number } = {},
  ) {
    this.socket = connect(`${url}${CHAT_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: opts.reconnectionDelay ?? 200,
      reconnectionDelayMax: 1000,
    });
    this.socket.on('message', (m: Message) => {
      this.#keep(m);
      this.onMessage?.(m, performance.now());
    });
    this.socket.io.on('reconnect', () => {
      this.reconnects += 1;
      void this.fill().catch(() => undefined);
    });
  }

  ready(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  #keep(m: Message): void {
    let map = this.seen.get(m.conversationId);
    if (!map) this.seen.set(m.conversationId, (map = new Map<number, Message>()));
    map.set(m.seq, m);
  }

  /** Highest seq up to which this client has every message. */
  contiguous(conversationId = this.conversationId): number {
    const map = this.seen.get(conversationId);
    let n = 0;
    while (map?.has(n + 1)) n += 1;
    return n;
  }

  /** Asks for everything after the last gap-free seq until nothing more comes. */
  async fill(conversationId = this.conversationId): Promise<void> {
    for (;;) {
      const ack = (await this.socket.timeout(5000).emitWithAck('sync', { conversationId, after: this.contiguous(conversationId), limit: 500 })) as ChatAck<Message[]>;
      if (!ack.ok) throw new Error(`sync: ${ack.error.code}`);
      ack.data.forEach((m) => this.#keep(m));
      if (ack.data.length < 500) return;
    }
  }

  /** Sends until acknowledged; the same clientId on every try. */
  async send(clientId: string, text: string, ackTimeoutMs = 2000): Promise<Message> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.resends += 1;
      try {
        const ack = (await this.socket.timeout(ackTimeoutMs).emitWithAck('send', { conversationId: this.conversationId, clientId, text })) as ChatAck<Message>;
        if (ack.ok) {
          this.acked.set(clientId, ack.data);
          this.#keep(ack.data);
          return ack.data;
        }
        if (ack.error.code !== 'rate_limited' && ack.error.code !== 'internal') throw new Error(`send refused: ${ack.error.code} ${ack.error.message}`);
        this.retryReasons.set(ack.error.code, (this.retryReasons.get(ack.error.code) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 300));
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('send refused')) throw err;
        this.retryReasons.set('timeout', (this.retryReasons.get('timeout') ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 100)); // time-out or disconnected: retry with the same id
      }
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}
