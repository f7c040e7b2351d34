import { afterEach, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { LISTEN_IP, RTC_PORTS, collect, isAlive, nextEvent, opusRtpParameters, testLogger, testPortBase, waitFor } from './test/helpers.js';

describe('SfuNode worker death', () => {
  let node: SfuNode | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  async function start(numWorkers: number) {
    const portBase = testPortBase();
    const created = await SfuNode.create({ numWorkers, listenIp: LISTEN_IP, portBase, logger: testLogger(), ...RTC_PORTS });
    node = created;
    return { node: created, portBase };
  }

  it('SfuNode closes rooms with worker_died when their worker is killed, and the room recovers on the replacement', async () => {
    const { node, portBase } = await start(1);
    await node.ensureRoom({ roomId: 'class', maxPeers: 5 });
    await node.addPeer({ roomId: 'class', peerId: 'teacher' });
    const send = await node.createPlainTransport({ roomId: 'class', peerId: 'teacher', direction: 'send' });
    await node.produce({ roomId: 'class', peerId: 'teacher', transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(1), appData: { source: 'mic' } });
    await node.createWebRtcTransport({ roomId: 'class', peerId: 'teacher', direction: 'recv' });
    const oldPid = node.pool.worker(0)!.pid;

    const roomClosed = nextEvent(node, 'roomClosed');
    const workerDied = nextEvent(node, 'workerDied');
    const producerClosed = collect(node, 'producerClosed');
    const replaced = nextEvent(node.pool, 'workerReplaced');
    process.kill(oldPid, 'SIGKILL');

    expect(await roomClosed).toEqual([{ roomId: 'class', reason: 'worker_died', peerIds: ['teacher'], remoteNodeIds: [] }]);
    expect(await workerDied).toEqual([{ workerIndex: 0, roomIds: ['class'] }]);
    expect(producerClosed).toEqual([]); // the room going away is the whole story
    await expect(node.getStats({ roomId: 'class' })).rejects.toMatchObject({ code: 'room_not_found' });

    // Asking for the room again straight away waits for the replacement worker.
    const { rtpCapabilities } = await node.ensureRoom({ roomId: 'class', maxPeers: 5 });
    expect(rtpCapabilities.codecs?.length).toBeGreaterThan(0);
    const [{ pid: newPid }] = await replaced;
    expect(newPid).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);
    expect((await node.load()).workers).toEqual([{ index: 0, pid: newPid, consumers: 0, rooms: 1 }]);

    await node.addPeer({ roomId: 'class', peerId: 'teacher' });
    const transport = await node.createWebRtcTransport({ roomId: 'class', peerId: 'teacher', direction: 'send' });
    expect(transport.iceCandidates.map((c) => c.port)).toEqual([portBase, portBase]);
    expect(await node.getStats({ roomId: 'class' })).toMatchObject({ peers: 1, producers: 0 });
  });

  it('SfuNode keeps rooms on other workers alive when one worker dies', async () => {
    const { node } = await start(2);
    await node.ensureRoom({ roomId: 'a', maxPeers: 5 });
    await node.ensureRoom({ roomId: 'b', maxPeers: 5 });
    const indexOf = async (roomId: string) => (await node.getStats({ roomId })).workerIndex;
    const [wa, wb] = [await indexOf('a'), await indexOf('b')];
    expect(wa).not.toBe(wb);
    const closed = collect(node, 'roomClosed');
    const died = nextEvent(node, 'workerDied');
    process.kill(node.pool.worker(wa)!.pid, 'SIGKILL');
    expect(await died).toEqual([{ workerIndex: wa, roomIds: ['a'] }]);
    expect(closed).toEqual([{ roomId: 'a', reason: 'worker_died', peerIds: [], remoteNodeIds: [] }]);
    expect(await node.getStats({ roomId: 'b' })).toMatchObject({ roomId: 'b', workerIndex: wb });
    await node.addPeer({ roomId: 'b', peerId: 'p' });
    await node.createWebRtcTransport({ roomId: 'b', peerId: 'p', direction: 'recv' });
    await waitFor(() => node.pool.workers().length === 2, 5000, 'replacement worker');
  });
});
