import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { AUDIO_LEVEL_EXT_ID, LISTEN_IP, OPUS_PT, RTC_PORTS, audioPacket, collect, nextEvent, startFfmpegVp8, stopProcess, testLogger, testPortBase, udpCounter, vp8RtpParameters, waitFor } from './test/helpers.js';

/** Two SFU nodes in one process, the same room on both, linked by an SRTP PipeTransport pair. */
describe('SfuNode pipes between nodes', () => {
  let a: SfuNode;
  let b: SfuNode;
  let ffmpeg: ChildProcess | undefined;
  const sockets: { close: () => void }[] = [];

  beforeAll(async () => {
    const base = testPortBase();
    a = await SfuNode.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: base, logger: testLogger(), ...RTC_PORTS });
    b = await SfuNode.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase: base + 1, logger: testLogger(), peersPerRouter: 1, ...RTC_PORTS });
  });
  afterAll(async () => {
    await stopProcess(ffmpeg);
    for (const s of sockets) s.close();
    await a?.close();
    await b?.close();
  });

  it('SfuNode pipes a producer to another node: its consumer there receives RTP, and closing the origin closes it', async () => {
    const roomId = 'spans-nodes';
    await a.ensureRoom({ roomId, maxPeers: 10 });
    const { rtpCapabilities } = await b.ensureRoom({ roomId, maxPeers: 10 });

    // The pipe pair, created and connected twice over (as two API nodes racing would).
    const [endA, endA2] = await Promise.all([a.createPipe({ roomId, remoteNodeId: 'b' }), a.createPipe({ roomId, remoteNodeId: 'b' })]);
    expect(endA2).toEqual(endA);
    expect(endA.srtpParameters.cryptoSuite).toBeTruthy();
    const endB = await b.createPipe({ roomId, remoteNodeId: 'a' });
    await Promise.all([
      a.connectPipe({ roomId, remoteNodeId: 'b', ...endB }),
      b.connectPipe({ roomId, remoteNodeId: 'a', ...endA }),
      b.connectPipe({ roomId, remoteNodeId: 'a', ...endA }),
    ]);

    // A camera on node a, fed by ffmpeg.
    await a.addPeer({ roomId, peerId: 'teacher' });
    const send = await a.createPlainTransport({ roomId, peerId: 'teacher', direction: 'send', comedia: true });
    const ssrc = 33333333;
    const { id: producerId } = await a.produce({ roomId, peerId: 'teacher', transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(ssrc), appData: { source: 'webcam' } });
    ffmpeg = startFfmpegVp8(send, ssrc);

    const newOnB = collect(b, 'newProducer');
    const piped = await a.pipeProducerOut({ roomId, remoteNodeId: 'b', producerId });
    expect(piped).toMatchObject({ kind: 'video', paused: false, appData: { peerId: 'teacher', source: 'webcam' } });
    await Promise.all([b.pipeProducerIn({ roomId, remoteNodeId: 'a', producerId, ...piped }), b.pipeProducerIn({ roomId, remoteNodeId: 'a', producerId, ...piped })]);

    // Two students on node b, on its two routers (peersPerRouter 1): both consume the piped producer.
    const counters: (() => number)[] = [];
    for (const peerId of ['s1', 's2']) {
      await b.addPeer({ roomId, peerId });
      const rtp = await udpCounter();
      const rtcp = await udpCounter();
      sockets.push(rtp, rtcp);
      const out = await b.createPlainTransport({ roomId, peerId, direction: 'recv', comedia: false });
      await b.connectPlainTransport({ roomId, peerId, transportId: out.id, ip: LISTEN_IP, port: rtp.port, rtcpPort: rtcp.port });
      const c = await b.consume({ roomId, peerId, transportId: out.id, producerId, rtpCapabilities });
      expect(c.appData).toEqual({ peerId: 'teacher', source: 'webcam' });
      await b.resumeConsumer({ roomId, peerId, consumerId: c.id });
      counters.push(() => rtp.count(c.rtpParameters.encodings?.[0]?.ssrc ?? -1));
    }
    expect((await b.roomLayout({ roomId })).routers).toHaveLength(2);
    await waitFor(() => counters.every((n) => n() > 10), 15_000, 'RTP from node a at both consumers on node b');
    // The piped producer announces nothing on b and belongs to no peer there.
    expect(newOnB).toEqual([]);
    expect(await b.listProducers({ roomId })).toEqual([]);

    // The origin closes; node b is told (by whoever relays a's events) and its consumers close.
    const closedOnB = collect(b, 'consumerClosed');
    const closedOnA = nextEvent(a, 'producerClosed', (e) => e.producerId === producerId);
    await a.closeProducer({ roomId, peerId: 'teacher', producerId });
    await closedOnA;
    await b.updatePipedProducer({ roomId, producerId, action: 'close' });
    await waitFor(() => closedOnB.length === 2, 3000, 'consumerClosed on b');
    expect(closedOnB.map((e) => e.peerId).sort()).toEqual(['s1', 's2']);
    expect(closedOnB.every((e) => e.producerId === producerId)).toBe(true);
  });

  it('SfuNode closePipe drops what came from a dead node: its consumers are told', async () => {
    const roomId = 'loses-a-node';
    await a.ensureRoom({ roomId, maxPeers: 10 });
    const { rtpCapabilities } = await b.ensureRoom({ roomId, maxPeers: 10 });
    const endA = await a.createPipe({ roomId, remoteNodeId: 'b' });
    const endB = await b.createPipe({ roomId, remoteNodeId: 'a' });
    await a.connectPipe({ roomId, remoteNodeId: 'b', ...endB });
    await b.connectPipe({ roomId, remoteNodeId: 'a', ...endA });
    await a.addPeer({ roomId, peerId: 'teacher' });
    const send = await a.createPlainTransport({ roomId, peerId: 'teacher', direction: 'send', comedia: true });
    const { id: producerId } = await a.produce({ roomId, peerId: 'teacher', transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(44444444), appData: { source: 'webcam' } });
    await b.pipeProducerIn({ roomId, remoteNodeId: 'a', producerId, ...(await a.pipeProducerOut({ roomId, remoteNodeId: 'b', producerId })) });
    await b.addPeer({ roomId, peerId: 'viewer' });
    const out = await b.createWebRtcTransport({ roomId, peerId: 'viewer', direction: 'recv' });
    const c = await b.consume({ roomId, peerId: 'viewer', transportId: out.id, producerId, rtpCapabilities });

    const closed = nextEvent(b, 'consumerClosed', (e) => e.consumerId === c.id);
    await b.closePipe({ roomId, remoteNodeId: 'a' });
    await closed;
    await expect(b.consume({ roomId, peerId: 'viewer', transportId: out.id, producerId, rtpCapabilities })).rejects.toMatchObject({ code: 'producer_not_found' });
    await b.closePipe({ roomId, remoteNodeId: 'a' }); // idempotent
  });

  it('SfuNode observes a spanning room’s speakers on its home node only, audio of the other node piped there', async () => {
    const roomId = 'speakers-across';
    await a.ensureRoom({ roomId, maxPeers: 10 }); // the home node
    await b.ensureRoom({ roomId, maxPeers: 10, observeSpeakers: false });
    const endA = await a.createPipe({ roomId, remoteNodeId: 'b' });
    const endB = await b.createPipe({ roomId, remoteNodeId: 'a' });
    await a.connectPipe({ roomId, remoteNodeId: 'b', ...endB });
    await b.connectPipe({ roomId, remoteNodeId: 'a', ...endA });
    const mics: Record<string, { ip: string; port: number; ssrc: number }> = {};
    for (const [node, peerId, ssrc] of [[a, 'quiet', 1001], [b, 'talker', 2002]] as const) {
      await node.addPeer({ roomId, peerId });
      const plain = await node.createPlainTransport({ roomId, peerId, direction: 'send' });
      const { id } = await node.produce({
        roomId, peerId, transportId: plain.id, kind: 'audio', appData: { source: 'mic' },
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }],
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXT_ID }],
          encodings: [{ ssrc }],
        },
      });
      mics[peerId] = { ip: plain.ip, port: plain.port, ssrc };
      if (node === b) await a.pipeProducerIn({ roomId, remoteNodeId: 'b', producerId: id, ...(await b.pipeProducerOut({ roomId, remoteNodeId: 'a', producerId: id })) });
    }
    const onB = collect(b, 'activeSpeaker');
    const talker = nextEvent(a, 'activeSpeaker', (e) => e.roomId === roomId && e.peerId === 'talker', 8000);
    const socket = createSocket('udp4');
    let seq = 0;
    const timer = setInterval(() => {
      seq++;
      socket.send(audioPacket(mics['quiet']!.ssrc, seq, 127), mics['quiet']!.port, mics['quiet']!.ip);
      socket.send(audioPacket(mics['talker']!.ssrc, seq, 5 + (seq % 25)), mics['talker']!.port, mics['talker']!.ip);
    }, 20);
    try {
      expect(await talker).toEqual([{ roomId, peerId: 'talker' }]);
      expect(onB.filter((e) => e.roomId === roomId)).toEqual([]);
    } finally {
      clearInterval(timer);
      socket.close();
    }
  });
});
