// Publishers encode only the simulcast layers someone watches: the SFU tells a producer's
// owner (producerLayersWanted) the highest spatial layer any running consumer prefers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { LISTEN_IP, RTC_PORTS, collect, sleep, testLogger, testPortBase, vp8RtpParameters, waitFor } from './test/helpers.js';

const LOWER_DELAY_MS = 150;

describe('SfuNode producerLayersWanted', () => {
  let node: SfuNode;
  beforeAll(async () => {
    node = await SfuNode.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), layerLowerDelayMs: LOWER_DELAY_MS, ...RTC_PORTS });
  });
  afterAll(() => node.close());

  async function viewer(roomId: string, peerId: string, producerId: string, rtpCapabilities: Parameters<SfuNode['consume']>[0]['rtpCapabilities']) {
    await node.addPeer({ roomId, peerId });
    const t = await node.createPlainTransport({ roomId, peerId, direction: 'recv', comedia: false });
    await node.connectPlainTransport({ roomId, peerId, transportId: t.id, ip: LISTEN_IP, port: 9, rtcpPort: 9 });
    const { id: consumerId } = await node.consume({ roomId, peerId, transportId: t.id, producerId, rtpCapabilities });
    return { roomId, peerId, consumerId };
  }

  it('tells the publisher the highest layer a running consumer prefers: a rise at once, a fall after it held', async () => {
    const roomId = 'layers';
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 8 });
    await node.addPeer({ roomId, peerId: 'teacher' });
    const send = await node.createPlainTransport({ roomId, peerId: 'teacher', direction: 'send', comedia: true });
    const { id: producerId } = await node.produce({ roomId, peerId: 'teacher', transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(111, 222, 333), appData: { source: 'webcam' } });
    const told = collect(node, 'producerLayersWanted');
    const layers = () => told.map((e) => e.spatialLayer);

    const a = await viewer(roomId, 'a', producerId, rtpCapabilities);
    await node.resumeConsumer(a);
    await sleep(LOWER_DELAY_MS * 2);
    expect(layers()).toEqual([]); // it wants the top layer, which the publisher already sends

    await node.setConsumerViewport({ ...a, width: 160, height: 90 }); // a thumbnail: layer 0
    expect(layers()).toEqual([]); // not yet: a fall waits
    await waitFor(() => told.length === 1, 3000, 'the fall');
    expect(told[0]).toEqual({ roomId, peerId: 'teacher', producerId, spatialLayer: 0 });

    const b = await viewer(roomId, 'b', producerId, rtpCapabilities);
    expect(layers()).toEqual([0]); // a paused consumer (as consumers start) wants nothing
    await node.resumeConsumer(b);
    expect(layers()).toEqual([0, 2]); // a rise is told at once

    await node.pauseConsumer(b); // b's tab went hidden
    await node.setPreferredLayers({ ...a, spatialLayer: 1 });
    await waitFor(() => told.length === 3, 3000, 'the fall to a');
    expect(layers()).toEqual([0, 2, 1]);

    // A fall undone within the delay is never told.
    await node.setPreferredLayers({ ...a, spatialLayer: 0 });
    await sleep(LOWER_DELAY_MS / 3);
    await node.setPreferredLayers({ ...a, spatialLayer: 1 });
    await sleep(LOWER_DELAY_MS * 2);
    expect(layers()).toEqual([0, 2, 1]);

    // The last watcher leaving drops the publisher to the lowest layer.
    await node.removePeer({ roomId, peerId: 'a' });
    await waitFor(() => told.length === 4, 3000, 'the fall to nobody');
    expect(layers()).toEqual([0, 2, 1, 0]);
  });

  it('follows only simulcast producers', async () => {
    const roomId = 'single';
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 8 });
    await node.addPeer({ roomId, peerId: 'teacher' });
    const send = await node.createPlainTransport({ roomId, peerId: 'teacher', direction: 'send', comedia: true });
    const { id: producerId } = await node.produce({ roomId, peerId: 'teacher', transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(444), appData: { source: 'screen' } });
    const told = collect(node, 'producerLayersWanted');
    const a = await viewer(roomId, 'a', producerId, rtpCapabilities);
    await node.resumeConsumer(a);
    await node.removePeer({ roomId, peerId: 'a' });
    await sleep(LOWER_DELAY_MS * 2);
    expect(told.filter((e) => e.roomId === roomId)).toEqual([]);
  });
});
