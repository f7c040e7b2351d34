// The Bus links Lectern's processes: pub/sub for room events and request/response for
// SFU calls. Two implementations (MemoryBus here, RedisBus for many nodes) behind one
// interface; messages are JSON in both, so no code path works on only one of them.

export type Unsubscribe = () => Promise<void>;
export type MessageHandler = (message: unknown) => void;
export type RequestHandler = (message: unknown) => Promise<unknown>;

export interface Bus {
  publish(topic: string, message: unknown): Promise<void>;
  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe>;
  /** Sends a request to whoever serves `topic` and waits for the answer. */
  request<T = unknown>(topic: string, message: unknown, timeoutMs?: number): Promise<T>;
  /** Serves requests on `topic`; the handler's result or error goes back to the caller. */
  serve(topic: string, handler: RequestHandler): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** A failed remote call: carries the remote error's code and message. */
export class BusRequestError extends Error {
  override readonly name = 'BusRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** What travels back for a request: JSON-safe in both implementations. */
export type Reply = { ok: true; data: unknown } | { ok: false; code: string; message: string };

export function errorReply(err: unknown): Reply {
  const e = err as { code?: unknown; message?: unknown };
  return {
    ok: false,
    code: typeof e?.code === 'string' ? e.code : 'internal',
    message: typeof e?.message === 'string' ? e.message : 'remote call failed',
  };
}

export function unwrapReply<T>(reply: Reply): T {
  if (reply.ok) return reply.data as T;
  throw new BusRequestError(reply.code, reply.message);
}
