// pauseConsumer end to end: a real Lectern (gateway, bus RPC, one mediasoup worker). A
// peer pauses and resumes its own consumer; another peer's consumer id is not found and
// changes nothing; bad payloads are refused by the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, type TestDb } from '@lectern/db/testing';
import type { Lectern } from '../lectern.js';
import { opusRtpParameters } from './test/fuzzMessages.js';
import { startSocketLectern } from './test/socketLectern.js';
import { roomSockets, type RoomSocket } from './test/roomSockets.js';

const PORT_BASE = 23000 + Math.floor(Math.random() * 500) * 2;
const kind = dbKinds().at(-1)!;

describe(`pauseConsumer on ${kind}`, () => {
  let db: TestDb;
  let lectern: Lectern;
  let hostAuth: { authorization: string };

  beforeAll(async () => {
    ({ db, lectern, host: hostAuth } = await startSocketLectern(kind, PORT_BASE));
  });
  afterAll(async () => {
    closeAll();
    await lectern?.close();
    await db?.destroy();
  });

  const { open, req, joinRoom, guestToken, hostToken, session, closeAll } = roomSockets(
    () => lectern,
    () => hostAuth,
  );

  const ok = async <T>(c: RoomSocket, name: string, payload: unknown = {}): Promise<T> => {
    const a = await req<T>(c, name, payload);
    if (!a.ok) throw new Error(`${name}: ${a.error.code} ${a.error.message}`);
    return a.data;
  };

  /** A joined guest with a resumed consumer of `producerId`: its peer id and consumer id. */
  const consumer = async (code: string, name: string, producerId: string) => {
    const c = open(await guestToken(code, name));
    const { peerId } = await c.welcome;
    await joinRoom(c);
    const recv = await ok<{ id: string }>(c, 'createTransport', { direction: 'recv' });
    const { id } = await ok<{ id: string }>(c, 'consume', { transportId: recv.id, producerId });
    await ok(c, 'resumeConsumer', { consumerId: id });
    return { c, peerId, consumerId: id };
  };

  it('pauses and resumes only the caller’s own consumer; refuses bad payloads', async () => {
    const { sid, code } = await session({ guestAccess: 'open' });
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const send = await ok<{ id: string }>(host, 'createTransport', { direction: 'send' });
    const { id: producerId } = await ok<{ id: string }>(host, 'produce', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(4242), source: 'mic' });
    const alice = await consumer(code, 'Alice', producerId);
    const bob = await consumer(code, 'Bob', producerId);

    // The SFU's own view of a consumer (mediasoup's `paused`), not the gateway's.
    const paused = async (peerId: string, consumerId: string) => {
      const list = await lectern.sfuHost!.node.listConsumers({ roomId: sid, peerId });
      return list.find((x) => x.consumerId === consumerId)?.paused;
    };
    expect(await paused(alice.peerId, alice.consumerId)).toBe(false);

    expect(await req(alice.c, 'pauseConsumer', { consumerId: alice.consumerId })).toEqual({ ok: true, data: {} });
    expect(await paused(alice.peerId, alice.consumerId)).toBe(true);
    expect(await paused(bob.peerId, bob.consumerId)).toBe(false);

    // Bob cannot pause (or resume) Alice's consumer: it is not among his.
    expect(await req(bob.c, 'pauseConsumer', { consumerId: alice.consumerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await req(bob.c, 'resumeConsumer', { consumerId: alice.consumerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await paused(alice.peerId, alice.consumerId)).toBe(true);
    expect(await req(alice.c, 'pauseConsumer', { consumerId: bob.consumerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await paused(bob.peerId, bob.consumerId)).toBe(false);

    for (const bad of [{}, { consumerId: '' }, { consumerId: 'x'.repeat(65) }, { consumerId: 7 }, { consumerId: alice.consumerId, extra: 1 }, 'a string']) {
      expect(await req(alice.c, 'pauseConsumer', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await paused(alice.peerId, alice.consumerId)).toBe(true);

    expect(await req(alice.c, 'resumeConsumer', { consumerId: alice.consumerId })).toEqual({ ok: true, data: {} });
    expect(await paused(alice.peerId, alice.consumerId)).toBe(false);
    expect(await paused(bob.peerId, bob.consumerId)).toBe(false);
  });

  it('pauseConsumer before join is refused', async () => {
    const { code } = await session({ guestAccess: 'open' });
    const c = open(await guestToken(code));
    await c.welcome;
    expect(await req(c, 'pauseConsumer', { consumerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
  });
});
