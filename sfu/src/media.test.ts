import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import {
  LISTEN_IP,
  RTC_PORTS,
  collect,
  nextEvent,
  sleep,
  startFfmpegVp8,
  stopProcess,
  testLogger,
  testPortBase,
  udpCounter,
  vp8RtpParameters,
  waitFor,
} from './test/helpers.js';

/** RTP really flowing: ffmpeg (an outside process) -> plain transport -> router -> consumer -> UDP socket. */
describe('SfuNode media', () => {
  let node: SfuNode;
  let ffmpeg: ChildProcess | undefined;
  const sockets: { close: () => void }[] = [];

  beforeAll(async () => {
    node = await SfuNode.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
  });
  afterEach(async () => {
    await stopProcess(ffmpeg);
    ffmpeg = undefined;
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => node.close());

  async function ingest(roomId: string, peerId: string, ssrc: number) {
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 4 });
    await node.addPeer({ roomId, peerId });
    const plain = await node.createPlainTransport({ roomId, peerId, direction: 'send', comedia: true });
    expect(plain).toMatchObject({ ip: LISTEN_IP, port: expect.any(Number), rtcpPort: expect.any(Number) });
    const { id: producerId } = await node.produce({
      roomId, peerId, transportId: plain.id, kind: 'video', rtpParameters: vp8RtpParameters(ssrc), appData: { source: 'webcam' },
    });
    ffmpeg = startFfmpegVp8(plain, ssrc);
    return { rtpCapabilities, producerId };
  }

  const bytesIn = async (roomId: string, peerId: string, producerId: string): Promise<number> =>
    (await node.getProducerStats({ roomId, peerId, producerId })).streams.reduce((sum, s) => sum + s.byteCount, 0);

  it('SfuNode receives RTP from an outside process into a producer', async () => {
    const roomId = 'ingest';
    const { producerId } = await ingest(roomId, 'camera', 11111111);
    await waitFor(async () => (await bytesIn(roomId, 'camera', producerId)) > 0, 10_000, 'first RTP bytes');
    const first = await bytesIn(roomId, 'camera', producerId);
    await sleep(700);
    const later = await bytesIn(roomId, 'camera', producerId);
    expect(later).toBeGreaterThan(first);
    const [stream] = (await node.getProducerStats({ roomId, peerId: 'camera', producerId })).streams;
    expect(stream).toMatchObject({ ssrc: 11111111, mimeType: 'video/VP8' });
    expect(stream!.packetCount).toBeGreaterThan(0);
  });

  it('SfuNode forwards nothing to a paused consumer and stops forwarding while the producer is paused', async () => {
    const roomId = 'mute';
    const { rtpCapabilities, producerId } = await ingest(roomId, 'teacher', 22222222);
    await node.addPeer({ roomId, peerId: 'student' });

    // The student's receiving side: a plain transport pointed at a UDP socket we count on.
    const rtp = await udpCounter();
    const rtcp = await udpCounter();
    sockets.push(rtp, rtcp);
    const out = await node.createPlainTransport({ roomId, peerId: 'student', direction: 'recv', comedia: false });
    await node.connectPlainTransport({ roomId, peerId: 'student', transportId: out.id, ip: LISTEN_IP, port: rtp.port, rtcpPort: rtcp.port });
    await waitFor(async () => (await bytesIn(roomId, 'teacher', producerId)) > 0, 10_000, 'ingest to start');

    const consumer = await node.consume({ roomId, peerId: 'student', transportId: out.id, producerId, rtpCapabilities });
    expect(consumer.producerPaused).toBe(false);
    const ref = { roomId, peerId: 'student', consumerId: consumer.id };
    const mediaSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? -1;
    const media = (): number => rtp.count(mediaSsrc);
    expect((await node.listConsumers({ roomId, peerId: 'student' }))[0]).toMatchObject({ paused: true });
    await sleep(600);
    expect(media()).toBe(0); // created paused: nothing is sent

    await node.resumeConsumer(ref);
    await waitFor(() => media() > 5, 5000, 'RTP at the consumer');

    // Server-side mute: pause the producer.
    const paused = nextEvent(node, 'producerPaused', (e) => e.roomId === roomId);
    await node.pauseProducer({ roomId, peerId: 'teacher', producerId });
    expect(await paused).toEqual([{ roomId, peerId: 'teacher', producerId, source: 'webcam' }]);
    await waitFor(async () => (await node.listConsumers({ roomId, peerId: 'student' }))[0]?.producerPaused === true, 2000, 'consumer producerPaused');
    expect(await node.listProducers({ roomId })).toEqual([{ peerId: 'teacher', producerId, kind: 'video', source: 'webcam', paused: true }]);
    await sleep(300);
    const mutedAt = media();
    await sleep(700);
    expect(media()).toBe(mutedAt);

    // A consumer created while the producer is paused says so.
    await node.addPeer({ roomId, peerId: 'late' });
    const lateTransport = await node.createWebRtcTransport({ roomId, peerId: 'late', direction: 'recv' });
    const late = await node.consume({ roomId, peerId: 'late', transportId: lateTransport.id, producerId, rtpCapabilities });
    expect(late.producerPaused).toBe(true);

    const resumedEvents = collect(node, 'producerResumed');
    await node.resumeProducer({ roomId, peerId: 'teacher', producerId });
    await waitFor(() => media() > mutedAt + 5, 5000, 'RTP after unmute');
    expect(resumedEvents.filter((e) => e.roomId === roomId)).toEqual([{ roomId, peerId: 'teacher', producerId, source: 'webcam' }]);
    expect((await node.listConsumers({ roomId, peerId: 'student' }))[0]?.producerPaused).toBe(false);

    // The viewer's tab is hidden: pause the consumer; nothing more reaches it until it resumes.
    await node.pauseConsumer(ref);
    await sleep(300);
    const hiddenAt = media();
    await sleep(700);
    expect(media()).toBe(hiddenAt);
    await node.resumeConsumer(ref);
    await waitFor(() => media() > hiddenAt + 5, 5000, 'RTP after the consumer resumes');
  });
});
