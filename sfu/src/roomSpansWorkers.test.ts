import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import {
  LISTEN_IP,
  RTC_PORTS,
  audioPacket,
  collect,
  nextEvent,
  opusWithLevelRtpParameters,
  sleep,
  startFfmpegVp8,
  stopProcess,
  testLogger,
  testPortBase,
  udpCounter,
  vp8RtpParameters,
  waitFor,
} from './test/helpers.js';

/** What mediasoup itself holds: live routers and live producers on pipe transports (piped-in producers). */
function watchMediasoup() {
  const routers = new Set<ms.Router>();
  const pipeProducers = new Set<ms.Producer>();
  const onWorker = (worker: ms.Worker): void => {
    worker.observer.on('newrouter', (router: ms.Router) => {
      routers.add(router);
      router.observer.once('close', () => routers.delete(router));
      router.observer.on('newtransport', (transport: ms.Transport) => {
        if (transport.type !== 'pipe') return;
        transport.observer.on('newproducer', (producer: ms.Producer) => {
          pipeProducers.add(producer);
          producer.observer.once('close', () => pipeProducers.delete(producer));
        });
      });
    });
  };
  mediasoup.observer.on('newworker', onWorker);
  return { routers, pipeProducers, stop: () => mediasoup.observer.off('newworker', onWorker) };
}

/** A room over two workers: peersPerRouter small enough that a handful of peers spans both. */
describe('SfuNode room across workers', () => {
  let node: SfuNode;
  let watch: ReturnType<typeof watchMediasoup>;
  let ffmpeg: ChildProcess | undefined;
  let socket: Socket;
  const sockets: { close: () => void }[] = [];

  async function start(peersPerRouter: number): Promise<SfuNode> {
    return SfuNode.create({ numWorkers: 2, peersPerRouter, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
  }

  beforeAll(async () => {
    watch = watchMediasoup();
    node = await start(1);
    socket = createSocket('udp4');
  });
  afterEach(async () => {
    await stopProcess(ffmpeg);
    ffmpeg = undefined;
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    socket.close();
    await node.close();
    watch.stop();
  });

  const pids = (): number[] => node.pool.workers().map((w) => w.pid);

  it('SfuNode fills a router up to peersPerRouter, then opens one on the other worker, then uses the emptiest', async () => {
    const twoPerRouter = await start(2);
    try {
      const workerPids = twoPerRouter.pool.workers().map((w) => w.pid);
      await twoPerRouter.ensureRoom({ roomId: 'one-by-one', maxPeers: 10 });
      const layouts = [];
      for (const peerId of ['a', 'b', 'c', 'd', 'e']) {
        await twoPerRouter.addPeer({ roomId: 'one-by-one', peerId });
        layouts.push((await twoPerRouter.roomLayout({ roomId: 'one-by-one' })).routers.map((r) => r.peers));
      }
      expect(layouts).toEqual([[1], [2], [2, 1], [2, 2], [3, 2]]);
      const { routers } = await twoPerRouter.roomLayout({ roomId: 'one-by-one' });
      expect(new Set(routers.map((r) => r.workerPid))).toEqual(new Set(workerPids));

      // Five joining at once: one router is opened, not one per joiner.
      await twoPerRouter.ensureRoom({ roomId: 'at-once', maxPeers: 10 });
      await Promise.all(['a', 'b', 'c', 'd', 'e'].map((peerId) => twoPerRouter.addPeer({ roomId: 'at-once', peerId })));
      const atOnce = (await twoPerRouter.roomLayout({ roomId: 'at-once' })).routers;
      expect(atOnce.map((r) => r.peers).sort()).toEqual([2, 3]);
      expect(new Set(atOnce.map((r) => r.workerPid))).toEqual(new Set(workerPids));

      // Leaving frees a place on that router; per-worker stats count each router's own peers.
      await twoPerRouter.removePeer({ roomId: 'one-by-one', peerId: 'a' });
      expect((await twoPerRouter.roomLayout({ roomId: 'one-by-one' })).routers.map((r) => r.peers)).toEqual([2, 2]);
      const perWorker = (await twoPerRouter.workerStats()).map((w) => w.peers);
      expect(perWorker.reduce((a, b) => a + b, 0)).toBe(9);
      await expect(twoPerRouter.roomLayout({ roomId: 'nowhere' })).rejects.toMatchObject({ code: 'room_not_found' });
    } finally {
      await twoPerRouter.close();
    }
  });

  it('SfuNode pipes a producer to a consumer on another worker: RTP flows, mute follows, the pipe closes with its last consumer', async () => {
    const roomId = 'lecture';
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 10 });
    await node.addPeer({ roomId, peerId: 'teacher' });
    await node.addPeer({ roomId, peerId: 'student' });
    const layout = (await node.roomLayout({ roomId })).routers;
    expect(layout).toHaveLength(2);
    expect(layout.map((r) => r.peers)).toEqual([1, 1]);
    expect(layout[0]!.workerPid).not.toBe(layout[1]!.workerPid);
    expect(pids()).toContain(layout[1]!.workerPid);

    const ssrc = 33333333;
    const plain = await node.createPlainTransport({ roomId, peerId: 'teacher', direction: 'send', comedia: true });
    const { id: producerId } = await node.produce({ roomId, peerId: 'teacher', transportId: plain.id, kind: 'video', rtpParameters: vp8RtpParameters(ssrc), appData: { source: 'webcam' } });
    ffmpeg = startFfmpegVp8(plain, ssrc);

    const rtp = await udpCounter();
    const rtcp = await udpCounter();
    sockets.push(rtp, rtcp);
    const out = await node.createPlainTransport({ roomId, peerId: 'student', direction: 'recv', comedia: false });
    await node.connectPlainTransport({ roomId, peerId: 'student', transportId: out.id, ip: LISTEN_IP, port: rtp.port, rtcpPort: rtcp.port });
    expect(watch.pipeProducers.size).toBe(0);
    // Two consumers asking at once share one pipe.
    await node.addPeer({ roomId, peerId: 'student2' }); // third peer: back on the teacher's router
    await node.addPeer({ roomId, peerId: 'student3' }); // fourth: the student's router
    const out3 = await node.createWebRtcTransport({ roomId, peerId: 'student3', direction: 'recv' });
    const [consumer, other] = await Promise.all([
      node.consume({ roomId, peerId: 'student', transportId: out.id, producerId, rtpCapabilities }),
      node.consume({ roomId, peerId: 'student3', transportId: out3.id, producerId, rtpCapabilities }),
    ]);
    expect(watch.pipeProducers.size).toBe(1);
    const mediaSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? -1;
    await node.resumeConsumer({ roomId, peerId: 'student', consumerId: consumer.id });
    await waitFor(() => rtp.count(mediaSsrc) > 5, 10_000, 'RTP at the consumer on the other worker');

    // Mute: the pause reaches the piped producer and the remote consumer.
    await node.pauseProducer({ roomId, peerId: 'teacher', producerId });
    await waitFor(async () => (await node.listConsumers({ roomId, peerId: 'student' }))[0]?.producerPaused === true, 2000, 'remote consumer producerPaused');
    await sleep(300);
    const mutedAt = rtp.count(mediaSsrc);
    await sleep(600);
    expect(rtp.count(mediaSsrc)).toBe(mutedAt);
    await node.resumeProducer({ roomId, peerId: 'teacher', producerId });
    await waitFor(() => rtp.count(mediaSsrc) > mutedAt + 5, 5000, 'RTP after unmute');
    expect((await node.listConsumers({ roomId, peerId: 'student' }))[0]?.producerPaused).toBe(false);

    // The last consumer there goes: the pipe goes. One left: it stays.
    await node.closeTransport({ roomId, peerId: 'student3', transportId: out3.id });
    await sleep(100);
    expect(watch.pipeProducers.size).toBe(1);
    expect(other.producerId).toBe(producerId);
    await node.closeTransport({ roomId, peerId: 'student', transportId: out.id });
    await waitFor(() => watch.pipeProducers.size === 0, 2000, 'the pipe to close');

    // Consuming again pipes again; the producer closing closes the remote consumer (consumerClosed).
    const again = await node.createWebRtcTransport({ roomId, peerId: 'student', direction: 'recv' });
    const second = await node.consume({ roomId, peerId: 'student', transportId: again.id, producerId, rtpCapabilities });
    expect(watch.pipeProducers.size).toBe(1);
    const closed = nextEvent(node, 'consumerClosed', (e) => e.roomId === roomId);
    await node.closeProducer({ roomId, peerId: 'teacher', producerId });
    expect(await closed).toEqual([{ roomId, peerId: 'student', consumerId: second.id, producerId }]);
    await waitFor(() => watch.pipeProducers.size === 0, 2000, 'the pipe to close with the producer');
    expect(await node.listConsumers({ roomId, peerId: 'student' })).toEqual([]);

    // Closing the room closes every router of it.
    const before = watch.routers.size;
    await node.closeRoom({ roomId });
    expect(watch.routers.size).toBe(before - 2);
    await expect(node.roomLayout({ roomId })).rejects.toMatchObject({ code: 'room_not_found' });
  });

  it('SfuNode hears a speaker on the second router (audio piped into the first router observer)', async () => {
    const roomId = 'speakers';
    await node.ensureRoom({ roomId, maxPeers: 3 });
    const mics: Record<string, { ip: string; port: number; ssrc: number }> = {};
    for (const [peerId, ssrc] of [['quiet', 1001], ['talker', 2002]] as const) {
      await node.addPeer({ roomId, peerId });
      const plain = await node.createPlainTransport({ roomId, peerId, direction: 'send' });
      await node.produce({ roomId, peerId, transportId: plain.id, kind: 'audio', rtpParameters: opusWithLevelRtpParameters(ssrc), appData: { source: 'mic' } });
      mics[peerId] = { ip: plain.ip, port: plain.port, ssrc };
    }
    expect((await node.roomLayout({ roomId })).routers.map((r) => r.peers)).toEqual([1, 1]); // talker is on the second
    const talker = nextEvent(node, 'activeSpeaker', (e) => e.roomId === roomId && e.peerId === 'talker', 8000);
    let seq = 0;
    const timer = setInterval(() => {
      seq++;
      const quiet = mics['quiet']!;
      const loud = mics['talker']!;
      socket.send(audioPacket(quiet.ssrc, seq, 127), quiet.port, quiet.ip);
      socket.send(audioPacket(loud.ssrc, seq, 5 + (seq % 25)), loud.port, loud.ip);
    }, 20);
    try {
      expect(await talker).toEqual([{ roomId, peerId: 'talker' }]);
    } finally {
      clearInterval(timer);
      await node.closeRoom({ roomId });
    }
  });

  it('SfuNode closes only the peers of a dead worker that is not the room first one; the room goes on', async () => {
    const roomId = 'survivor';
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 5 });
    await node.addPeer({ roomId, peerId: 'a' });
    await node.addPeer({ roomId, peerId: 'b' });
    const [first, second] = (await node.roomLayout({ roomId })).routers;
    const send = await node.createPlainTransport({ roomId, peerId: 'b', direction: 'send' });
    const { id: producerId } = await node.produce({ roomId, peerId: 'b', transportId: send.id, kind: 'audio', rtpParameters: opusWithLevelRtpParameters(7), appData: { source: 'mic' } });
    const recv = await node.createWebRtcTransport({ roomId, peerId: 'a', direction: 'recv' });
    const consumer = await node.consume({ roomId, peerId: 'a', transportId: recv.id, producerId, rtpCapabilities });

    const roomClosed = collect(node, 'roomClosed');
    const producerClosed = nextEvent(node, 'producerClosed', (e) => e.roomId === roomId);
    const consumerClosed = nextEvent(node, 'consumerClosed', (e) => e.roomId === roomId);
    const died = nextEvent(node, 'workerDied');
    process.kill(second!.workerPid, 'SIGKILL');
    await died;
    expect(await producerClosed).toEqual([{ roomId, peerId: 'b', producerId }]);
    expect(await consumerClosed).toEqual([{ roomId, peerId: 'a', consumerId: consumer.id, producerId }]);
    expect(roomClosed).toEqual([]);
    expect((await node.roomLayout({ roomId })).routers).toEqual([{ workerPid: first!.workerPid, peers: 1 }]);
    await expect(node.listConsumers({ roomId, peerId: 'b' })).rejects.toMatchObject({ code: 'peer_not_found' });
    // b comes back once the worker is replaced: the room opens a router on the new worker.
    await waitFor(() => node.pool.workers().length === 2, 8000, 'replacement worker');
    await node.addPeer({ roomId, peerId: 'b' });
    const after = (await node.roomLayout({ roomId })).routers;
    expect(after.map((r) => r.peers)).toEqual([1, 1]);
    expect(after[1]!.workerPid).not.toBe(second!.workerPid);
    await node.closeRoom({ roomId });
  });
});
