import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { LISTEN_IP, RTC_PORTS, testLogger, testPortBase } from './test/helpers.js';

describe('SfuNode uncounted peers', () => {
  let node: SfuNode;
  beforeAll(async () => {
    node = await SfuNode.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
  });
  afterAll(() => node.close());

  it('SfuNode uncounted peers (recorders) join a full room without taking a participant place', async () => {
    const roomId = 'full';
    await node.ensureRoom({ roomId, maxPeers: 2 });
    await node.addPeer({ roomId, peerId: 'a' });
    await node.addPeer({ roomId, peerId: 'recorder:1', uncounted: true });
    await node.addPeer({ roomId, peerId: 'b' }); // the recorder did not take b's place
    await expect(node.addPeer({ roomId, peerId: 'c' })).rejects.toMatchObject({ code: 'room_full' });
    await node.addPeer({ roomId, peerId: 'recorder:2', uncounted: true }); // service peers are not limited
    expect((await node.getStats({ roomId })).peers).toBe(4);
    // A counted peer leaving frees a place; an uncounted one leaving does not make room for two.
    await node.removePeer({ roomId, peerId: 'recorder:1' });
    await expect(node.addPeer({ roomId, peerId: 'c' })).rejects.toMatchObject({ code: 'room_full' });
    await node.removePeer({ roomId, peerId: 'a' });
    await node.addPeer({ roomId, peerId: 'c' });
    await expect(node.addPeer({ roomId, peerId: 'd' })).rejects.toMatchObject({ code: 'room_full' });
  });
});
