// userSocket: a socket the server drops on purpose (the account's password, role or access
// changed; the node going away) comes back only if the session still stands.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Store } from './store.js';

type Listener = (...args: unknown[]) => void;

class FakeSocket {
  readonly listeners = new Map<string, Listener[]>();
  connects = 0;
  closed = false;
  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  connect(): this {
    this.connects += 1;
    return this;
  }
  close(): this {
    this.closed = true;
    return this;
  }
}

const made: FakeSocket[] = [];
const refresh = vi.fn<() => Promise<boolean>>();
const authStore = new Store<{ status: string; user: { id: string } | null }>({ status: 'signed_in', user: { id: 'u1' } });

vi.mock('socket.io-client', () => ({
  io: () => {
    const s = new FakeSocket();
    made.push(s);
    return s;
  },
}));
vi.mock('./api.js', () => ({ accessToken: () => 'token' }));
vi.mock('./auth.js', () => ({ authStore, refreshAccess: () => refresh() }));

const { userSocket } = await import('./userSocket.js');

describe('userSocket after a drop by the server', () => {
  beforeEach(() => {
    made.length = 0;
    refresh.mockReset();
  });

  const open = () => {
    const handle = userSocket('/user', { reset: () => undefined, listen: () => undefined });
    handle.start();
    return made.at(-1)!;
  };

  it('reconnects with a refreshed token while the session stands', async () => {
    refresh.mockResolvedValue(true);
    const s = open();
    s.emit('disconnect', 'io server disconnect');
    await vi.waitFor(() => expect(s.connects).toBe(1));
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('stays down when the session was ended (refresh refused)', async () => {
    refresh.mockResolvedValue(false);
    const s = open();
    s.emit('disconnect', 'io server disconnect');
    await vi.waitFor(() => expect(refresh).toHaveBeenCalledTimes(1));
    await Promise.resolve();
    expect(s.connects).toBe(0);
  });

  it('leaves other drops to socket.io’s own reconnection', () => {
    const s = open();
    s.emit('disconnect', 'transport close');
    expect(refresh).not.toHaveBeenCalled();
    expect(s.connects).toBe(0);
  });
});
