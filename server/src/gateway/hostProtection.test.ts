// A co-host runs the room with the host but cannot remove or deny the host.
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../errors.js';
import { handlers } from './handlers.js';
import type { RoomOps, RtcSocket } from './types.js';

const SESSION = '00000000-0000-4000-8000-000000000001';
const HOST = 'host-user-id';

function fakeRoom() {
  const done: string[] = [];
  const room = {
    hostOf: () => Promise.resolve(HOST),
    setAccess: (_s: string, peerId: string, state: string) => Promise.resolve(void done.push(`${state}:${peerId}`)),
    control: (m: { type: string; peerId: string }) => Promise.resolve(void done.push(`${m.type}:${m.peerId}`)),
    updateSettings: (_s: string, patch: object) => Promise.resolve(void done.push(`settings:${JSON.stringify(patch)}`)),
  } as unknown as RoomOps;
  return { room, done };
}

const socketOf = (role: 'host' | 'cohost', peerId: string) =>
  ({ data: { sessionId: SESSION, peerId, role, state: 'ready', joined: true } }) as unknown as RtcSocket;

describe('co-host limits', () => {
  it.each(['removePeer', 'deny'] as const)('a co-host may not %s the host, and nothing changes', async (name) => {
    const { room, done } = fakeRoom();
    await expect(handlers[name](room, socketOf('cohost', 'cohost-id'), { peerId: HOST })).rejects.toBeInstanceOf(ForbiddenError);
    expect(done).toEqual([]);
  });

  it.each(['removePeer', 'deny'] as const)('a co-host may still %s someone else', async (name) => {
    const { room, done } = fakeRoom();
    await handlers[name](room, socketOf('cohost', 'cohost-id'), { peerId: 'student-1' });
    expect(done).toHaveLength(2);
  });

  it('the host may remove a co-host', async () => {
    const { room, done } = fakeRoom();
    await handlers.removePeer(room, socketOf('host', HOST), { peerId: 'cohost-id' });
    expect(done).toEqual(['removed:cohost-id', 'remove:cohost-id']);
  });

  it('removing a code guest sends new guests to the lobby (a new identity cannot walk back in); removing a signed-in user does not', async () => {
    const guest = fakeRoom();
    await handlers.removePeer(guest.room, socketOf('host', HOST), { peerId: 'guest:abc' });
    expect(guest.done).toEqual(['removed:guest:abc', 'remove:guest:abc', 'settings:{"guestAccess":"lobby"}']);
    const user = fakeRoom();
    await handlers.removePeer(user.room, socketOf('host', HOST), { peerId: 'student-1' });
    expect(user.done).toEqual(['removed:student-1', 'remove:student-1']);
  });
});
