import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuError } from './SfuError.js';
import { SfuNode } from './SfuNode.js';
import { MAX_WEBRTC_TRANSPORTS_PER_PEER } from './Room.js';
import {
  LISTEN_IP,
  RTC_PORTS,
  collect,
  isAlive,
  nextEvent,
  opusRtpParameters,
  testLogger,
  testPortBase,
  vp8RtpParameters,
  waitFor,
} from './test/helpers.js';
import type { RtpCapabilities } from './types.js';

const ANNOUNCED = 'media.lectern.test';

describe('SfuNode', () => {
  let node: SfuNode;
  let portBase: number;
  let roomSeq = 0;
  const newRoomId = (): string => `room-${++roomSeq}`;

  beforeAll(async () => {
    portBase = testPortBase();
    node = await SfuNode.create({
      numWorkers: 1,
      listenIp: LISTEN_IP,
      announcedAddress: ANNOUNCED,
      portBase,
      logger: testLogger(),
      ...RTC_PORTS,
    });
  });
  afterAll(() => node.close());

  /** A room with peers, each with a plain send transport so tests can produce without a browser. */
  async function roomWith(peerIds: string[], maxPeers = 10) {
    const roomId = newRoomId();
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers });
    const send: Record<string, string> = {};
    for (const peerId of peerIds) {
      await node.addPeer({ roomId, peerId });
      send[peerId] = (await node.createPlainTransport({ roomId, peerId, direction: 'send' })).id;
    }
    return { roomId, rtpCapabilities, send };
  }

  async function recvTransport(roomId: string, peerId: string): Promise<string> {
    return (await node.createWebRtcTransport({ roomId, peerId, direction: 'recv' })).id;
  }

  it('SfuNode ensureRoom returns router capabilities with opus, VP8 and H264', async () => {
    const { rtpCapabilities } = await node.ensureRoom({ roomId: newRoomId(), maxPeers: 4 });
    const codecs = rtpCapabilities.codecs ?? [];
    const mimeTypes = codecs.map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    expect(codecs.find((c) => c.mimeType === 'audio/opus')).toMatchObject({ clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } });
    expect(mimeTypes).not.toContain('audio/red'); // mediasoup 3.19 does not support RED
    expect(codecs.find((c) => c.mimeType === 'video/H264')?.parameters).toMatchObject({
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
    });
    expect(JSON.parse(JSON.stringify(rtpCapabilities))).toEqual(rtpCapabilities);
  });

  it('SfuNode ensureRoom is idempotent and concurrent calls share one room', async () => {
    const roomId = newRoomId();
    const before = (await node.load()).rooms;
    const [a, b] = await Promise.all([node.ensureRoom({ roomId, maxPeers: 2 }), node.ensureRoom({ roomId, maxPeers: 2 })]);
    expect(a).toEqual(b);
    await node.ensureRoom({ roomId, maxPeers: 2 });
    expect((await node.load()).rooms).toBe(before + 1);
  });

  it('SfuNode createWebRtcTransport offers UDP and TCP candidates at the announced address and worker port', async () => {
    const { roomId } = await roomWith(['alice']);
    const transport = await node.createWebRtcTransport({ roomId, peerId: 'alice', direction: 'send' });
    expect(transport.id).toEqual(expect.any(String));
    expect(transport.iceParameters.usernameFragment).toEqual(expect.any(String));
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    const candidates = transport.iceCandidates.map((c) => ({ address: c.address, port: c.port, protocol: c.protocol }));
    expect(candidates).toEqual(
      expect.arrayContaining([
        { address: ANNOUNCED, port: portBase, protocol: 'udp' },
        { address: ANNOUNCED, port: portBase, protocol: 'tcp' },
      ]),
    );
    expect(candidates).toHaveLength(2);
    const [udp, tcp] = [transport.iceCandidates.find((c) => c.protocol === 'udp')!, transport.iceCandidates.find((c) => c.protocol === 'tcp')!];
    expect(udp.priority).toBeGreaterThan(tcp.priority); // preferUdp

    const { iceParameters } = await node.restartIce({ roomId, peerId: 'alice', transportId: transport.id });
    expect(iceParameters.usernameFragment).not.toBe(transport.iceParameters.usernameFragment);
  });

  it('SfuNode addPeer refuses peers beyond maxPeers with room_full', async () => {
    const roomId = newRoomId();
    await node.ensureRoom({ roomId, maxPeers: 2 });
    await node.addPeer({ roomId, peerId: 'a' });
    await node.addPeer({ roomId, peerId: 'b' });
    const error = await node.addPeer({ roomId, peerId: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SfuError);
    expect(error).toMatchObject({ code: 'room_full' });
    await node.addPeer({ roomId, peerId: 'b' }); // reconnecting an existing peer is not "more peers"
    await node.removePeer({ roomId, peerId: 'a' });
    await node.addPeer({ roomId, peerId: 'c' });
    expect((await node.getStats({ roomId })).peers).toBe(2);
  });

  it('SfuNode addPeer with an existing peer id replaces the previous peer and its media', async () => {
    const { roomId, send } = await roomWith(['alice', 'bob']);
    const { id: producerId } = await node.produce({
      roomId, peerId: 'alice', transportId: send['alice']!, kind: 'audio', rtpParameters: opusRtpParameters(1111), appData: { source: 'mic' },
    });
    const closed = nextEvent(node, 'producerClosed', (e) => e.producerId === producerId);
    await node.addPeer({ roomId, peerId: 'alice' });
    await closed;
    expect(await node.listProducers({ roomId })).toEqual([]);
    await expect(node.connectTransport({ roomId, peerId: 'alice', transportId: send['alice']!, dtlsParameters: { fingerprints: [] } }))
      .rejects.toMatchObject({ code: 'transport_not_found' });
    expect((await node.getStats({ roomId })).peers).toBe(2);
  });

  it('SfuNode removePeer with a stale connectionId keeps the newer connection', async () => {
    const roomId = newRoomId();
    await node.ensureRoom({ roomId, maxPeers: 3 });
    await node.addPeer({ roomId, peerId: 'alice', connectionId: 'socket-1' });
    await node.addPeer({ roomId, peerId: 'alice', connectionId: 'socket-2' });
    await node.removePeer({ roomId, peerId: 'alice', connectionId: 'socket-1' });
    expect((await node.getStats({ roomId })).peers).toBe(1);
    await node.removePeer({ roomId, peerId: 'alice', connectionId: 'socket-2' });
    expect((await node.getStats({ roomId })).peers).toBe(0);
    await node.removePeer({ roomId, peerId: 'alice' }); // idempotent
    await node.removePeer({ roomId: 'no-such-room', peerId: 'alice' });
  });

  it('SfuNode errors are SfuErrors with codes for unknown room, peer, transport, producer and consumer', async () => {
    const { roomId, send } = await roomWith(['alice']);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (e instanceof SfuError ? e.code : `not an SfuError: ${String(e)}`),
      );
    expect(await codeOf(node.addPeer({ roomId: 'nope', peerId: 'x' }))).toBe('room_not_found');
    expect(await codeOf(node.getStats({ roomId: 'nope' }))).toBe('room_not_found');
    expect(await codeOf(node.createWebRtcTransport({ roomId, peerId: 'ghost', direction: 'send' }))).toBe('peer_not_found');
    expect(await codeOf(node.restartIce({ roomId, peerId: 'alice', transportId: 'nope' }))).toBe('transport_not_found');
    expect(await codeOf(node.closeProducer({ roomId, peerId: 'alice', producerId: 'nope' }))).toBe('producer_not_found');
    expect(await codeOf(node.resumeConsumer({ roomId, peerId: 'alice', consumerId: 'nope' }))).toBe('consumer_not_found');
    expect(await codeOf(node.createWebRtcTransport({ roomId, peerId: 'alice', direction: 'sideways' as 'send' }))).toBe('invalid_request');
    expect(await codeOf(node.ensureRoom({ roomId: newRoomId(), maxPeers: 0 }))).toBe('invalid_request');
    // A peer holds at most MAX_WEBRTC_TRANSPORTS_PER_PEER WebRTC transports at once.
    await node.addPeer({ roomId, peerId: 'carl' });
    const made = [];
    for (let i = 0; i < MAX_WEBRTC_TRANSPORTS_PER_PEER; i++) made.push(await codeOf(node.createWebRtcTransport({ roomId, peerId: 'carl', direction: 'recv' })));
    expect(made.every((m) => m === 'resolved')).toBe(true);
    expect(await codeOf(node.createWebRtcTransport({ roomId, peerId: 'carl', direction: 'recv' }))).toBe('invalid_request');
    // A bad rtpParameters object is mediasoup's complaint, still surfaced as an SfuError.
    expect(await codeOf(node.produce({
      roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: { codecs: [], encodings: [] }, appData: { source: 'webcam' },
    }))).toBe('media_error');
    expect(await codeOf(node.produce({
      roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: opusRtpParameters(5), appData: { source: 'mic' },
    }))).toBe('invalid_request');
    const error = await node.getStats({ roomId: 'nope' }).catch((e: unknown) => e as SfuError);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'room_not_found', message: 'Room nope not found' });
  });

  it('SfuNode produce replaces the producer of the same source and announces both changes', async () => {
    const { roomId, send } = await roomWith(['alice', 'bob']);
    const newProducers = collect(node, 'newProducer');
    const closedProducers = collect(node, 'producerClosed');
    const first = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: vp8RtpParameters(2001), appData: { source: 'webcam' } });
    const screen = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: vp8RtpParameters(2002), appData: { source: 'screen' } });
    const second = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: vp8RtpParameters(2003), appData: { source: 'webcam' } });
    expect(newProducers.filter((e) => e.roomId === roomId)).toEqual([
      { roomId, peerId: 'alice', producerId: first.id, kind: 'video', source: 'webcam' },
      { roomId, peerId: 'alice', producerId: screen.id, kind: 'video', source: 'screen' },
      { roomId, peerId: 'alice', producerId: second.id, kind: 'video', source: 'webcam' },
    ]);
    expect(closedProducers.filter((e) => e.roomId === roomId)).toEqual([{ roomId, peerId: 'alice', producerId: first.id }]);
    const listed = await node.listProducers({ roomId });
    expect(listed.map((p) => p.producerId).sort()).toEqual([screen.id, second.id].sort());
    expect(await node.listProducers({ roomId, excludePeerId: 'alice' })).toEqual([]);
    expect(await node.listProducers({ roomId, excludePeerId: 'bob' })).toHaveLength(2);
  });

  it('SfuNode consume creates consumers paused, resumeConsumer resumes them and pauseConsumer pauses them again', async () => {
    const { roomId, rtpCapabilities, send } = await roomWith(['alice', 'bob']);
    const { id: producerId } = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'audio', rtpParameters: opusRtpParameters(3001), appData: { source: 'mic' } });
    const transportId = await recvTransport(roomId, 'bob');
    const consumer = await node.consume({ roomId, peerId: 'bob', transportId, producerId, rtpCapabilities });
    expect(consumer).toMatchObject({ producerId, kind: 'audio', type: 'simple', producerPaused: false, appData: { peerId: 'alice', source: 'mic' } });
    expect(JSON.parse(JSON.stringify(consumer))).toEqual(consumer);
    expect(await node.listConsumers({ roomId, peerId: 'bob' })).toEqual([
      expect.objectContaining({ consumerId: consumer.id, producerId, paused: true, producerPaused: false }),
    ]);
    await node.resumeConsumer({ roomId, peerId: 'bob', consumerId: consumer.id });
    expect((await node.listConsumers({ roomId, peerId: 'bob' }))[0]).toMatchObject({ paused: false });
    // pauseConsumer pauses it again; a consumer is looked up on its own peer only.
    await node.pauseConsumer({ roomId, peerId: 'bob', consumerId: consumer.id });
    expect((await node.listConsumers({ roomId, peerId: 'bob' }))[0]).toMatchObject({ paused: true });
    await expect(node.resumeConsumer({ roomId, peerId: 'alice', consumerId: consumer.id })).rejects.toMatchObject({ code: 'consumer_not_found' });
    await expect(node.pauseConsumer({ roomId, peerId: 'alice', consumerId: consumer.id })).rejects.toMatchObject({ code: 'consumer_not_found' });
    expect((await node.listConsumers({ roomId, peerId: 'bob' }))[0]).toMatchObject({ paused: true });
    await node.resumeConsumer({ roomId, peerId: 'bob', consumerId: consumer.id });
    expect((await node.listConsumers({ roomId, peerId: 'bob' }))[0]).toMatchObject({ paused: false });
    // Consuming needs a recv transport, and never one's own producer.
    await expect(node.consume({ roomId, peerId: 'bob', transportId: send['bob']!, producerId, rtpCapabilities })).rejects.toMatchObject({ code: 'invalid_request' });
    const aliceRecv = await recvTransport(roomId, 'alice');
    await expect(node.consume({ roomId, peerId: 'alice', transportId: aliceRecv, producerId, rtpCapabilities })).rejects.toMatchObject({ code: 'cannot_consume' });
  });

  it('SfuNode consume throws cannot_consume when the receiver lacks the codec', async () => {
    const { roomId, rtpCapabilities, send } = await roomWith(['alice', 'bob']);
    const { id: producerId } = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: vp8RtpParameters(4001), appData: { source: 'webcam' } });
    const audioOnly: RtpCapabilities = { ...rtpCapabilities, codecs: (rtpCapabilities.codecs ?? []).filter((c) => c.kind === 'audio') };
    const transportId = await recvTransport(roomId, 'bob');
    const error = await node.consume({ roomId, peerId: 'bob', transportId, producerId, rtpCapabilities: audioOnly }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SfuError);
    expect(error).toMatchObject({ code: 'cannot_consume' });
  });

  it('SfuNode closing a producer closes its consumers and tells the consuming peer', async () => {
    const { roomId, rtpCapabilities, send } = await roomWith(['alice', 'bob']);
    const { id: producerId } = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'audio', rtpParameters: opusRtpParameters(5001), appData: { source: 'mic' } });
    const consumer = await node.consume({ roomId, peerId: 'bob', transportId: await recvTransport(roomId, 'bob'), producerId, rtpCapabilities });
    expect((await node.getStats({ roomId })).consumers).toBe(1);
    const consumerClosed = nextEvent(node, 'consumerClosed', (e) => e.roomId === roomId);
    const producerClosed = nextEvent(node, 'producerClosed', (e) => e.roomId === roomId);
    await node.closeProducer({ roomId, peerId: 'alice', producerId });
    expect(await producerClosed).toEqual([{ roomId, peerId: 'alice', producerId }]);
    expect(await consumerClosed).toEqual([{ roomId, peerId: 'bob', consumerId: consumer.id, producerId }]);
    await waitFor(async () => (await node.getStats({ roomId })).consumers === 0, 2000, 'consumer removal');
  });

  it('SfuNode setConsumerViewport picks the simulcast layer for the rendered width', async () => {
    const { roomId, rtpCapabilities, send } = await roomWith(['alice', 'bob']);
    const { id: producerId } = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'video', rtpParameters: vp8RtpParameters(6001, 6002, 6003), appData: { source: 'webcam' } });
    const consumer = await node.consume({ roomId, peerId: 'bob', transportId: await recvTransport(roomId, 'bob'), producerId, rtpCapabilities });
    expect(consumer.type).toBe('simulcast');
    const ref = { roomId, peerId: 'bob', consumerId: consumer.id };
    const preferred = async () => (await node.listConsumers({ roomId, peerId: 'bob' }))[0]?.preferredLayers?.spatialLayer;
    for (const [width, layer] of [[1280, 2], [200, 0], [640, 1], [641, 2], [320, 0]] as const) {
      expect(await node.setConsumerViewport({ ...ref, width, height: Math.round((width * 9) / 16) })).toEqual({ spatialLayer: layer });
      expect(await preferred()).toBe(layer);
    }
    await node.setPreferredLayers({ ...ref, spatialLayer: 1, temporalLayer: 0 });
    expect((await node.listConsumers({ roomId, peerId: 'bob' }))[0]?.preferredLayers).toEqual({ spatialLayer: 1, temporalLayer: 0 });
    await expect(node.setPreferredLayers({ ...ref, spatialLayer: -1 })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('SfuNode getStats and load count peers, producers and consumers', async () => {
    const { roomId, rtpCapabilities, send } = await roomWith(['alice', 'bob', 'carol']);
    const { id: producerId } = await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'audio', rtpParameters: opusRtpParameters(7001), appData: { source: 'mic' } });
    const loadBefore = await node.load();
    for (const peerId of ['bob', 'carol']) {
      await node.consume({ roomId, peerId, transportId: await recvTransport(roomId, peerId), producerId, rtpCapabilities });
    }
    expect(await node.getStats({ roomId })).toEqual({ roomId, workerIndex: 0, peers: 3, producers: 1, consumers: 2 });
    const load = await node.load();
    expect(load.workers).toHaveLength(1);
    expect(load.workers[0]).toMatchObject({ index: 0, pid: node.pool.worker(0)!.pid });
    expect(load.workers[0]!.consumers).toBe(loadBefore.workers[0]!.consumers + 2);
    expect(load.rooms).toBe(loadBefore.rooms);
    await node.removePeer({ roomId, peerId: 'carol' });
    await waitFor(async () => (await node.load()).workers[0]!.consumers === loadBefore.workers[0]!.consumers + 1, 2000, 'consumer count');
    expect((await node.load()).peers).toBe(loadBefore.peers - 1);
  });

  it('SfuNode closeRoom emits roomClosed once and forgets the room', async () => {
    const { roomId, send } = await roomWith(['alice', 'bob']);
    await node.produce({ roomId, peerId: 'alice', transportId: send['alice']!, kind: 'audio', rtpParameters: opusRtpParameters(8001), appData: { source: 'mic' } });
    const closedEvents = collect(node, 'roomClosed');
    const producerClosed = collect(node, 'producerClosed');
    await node.closeRoom({ roomId });
    await node.closeRoom({ roomId });
    expect(closedEvents.filter((e) => e.roomId === roomId)).toEqual([{ roomId, reason: 'closed', peerIds: ['alice', 'bob'], remoteNodeIds: [] }]);
    expect(producerClosed.filter((e) => e.roomId === roomId)).toEqual([]); // roomClosed says it all
    await expect(node.getStats({ roomId })).rejects.toMatchObject({ code: 'room_not_found' });
  });
});

describe('SfuNode lifecycle', () => {
  it('SfuNode close is idempotent, closes rooms and leaves no worker process', async () => {
    const node = await SfuNode.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
    const pids = node.pool.workers().map((w) => w.pid);
    await node.ensureRoom({ roomId: 'r1', maxPeers: 2 });
    const roomClosed = collect(node, 'roomClosed');
    let closed = 0;
    node.on('closed', () => closed++);
    const first = node.close();
    expect(node.close()).toBe(first);
    await first;
    expect(closed).toBe(1);
    expect(roomClosed).toEqual([{ roomId: 'r1', reason: 'closed', peerIds: [], remoteNodeIds: [] }]);
    await waitFor(() => pids.every((pid) => !isAlive(pid)), 3000, 'worker processes to exit');
    await expect(node.ensureRoom({ roomId: 'r2', maxPeers: 2 })).rejects.toMatchObject({ code: 'closed' });
  });
});

