import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { LISTEN_IP, RTC_PORTS, opusRtpParameters, sleep, testLogger, testPortBase, udpCounter, vp8RtpParameters, waitFor } from './test/helpers.js';

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, LISTEN_IP, () => resolve()));
  return socket;
}

/** A minimal VP8 RTP packet (payload type 101) with a start-of-partition descriptor. */
function vp8Packet(seq: number, ssrc: number): Buffer {
  const b = Buffer.alloc(12 + 1 + 20);
  b[0] = 0x80;
  b[1] = 101;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 3000) >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  b[12] = 0x10;
  return b;
}

/** requestKeyFrame: the consumer's request reaches the sender as an RTCP PLI. */
describe('SfuNode requestKeyFrame', () => {
  let node: SfuNode;
  beforeAll(async () => {
    node = await SfuNode.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
  });
  afterAll(() => node.close());

  it('SfuNode requestKeyFrame sends a PLI to the producing sender and refuses audio or unknown consumers', async () => {
    const roomId = 'kf';
    const ssrc = 33333333;
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 4 });
    await node.addPeer({ roomId, peerId: 'sender' });
    await node.addPeer({ roomId, peerId: 'recorder' });
    const rtp = await bound();
    const rtcp = await bound();
    let plis = 0;
    rtcp.on('message', (msg) => {
      // Compound RTCP: walk the packets, count PSFB (206) with FMT 1 (PLI).
      for (let off = 0; off + 4 <= msg.length; ) {
        const fmt = (msg[off] ?? 0) & 0x1f;
        const pt = msg[off + 1];
        if (pt === 206 && fmt === 1) plis++;
        off += (msg.readUInt16BE(off + 2) + 1) * 4;
      }
    });
    const send = await node.createPlainTransport({ roomId, peerId: 'sender', direction: 'send', comedia: false });
    await node.connectPlainTransport({ roomId, peerId: 'sender', transportId: send.id, ip: LISTEN_IP, port: rtp.address().port, rtcpPort: rtcp.address().port });
    const video = await node.produce({ roomId, peerId: 'sender', transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(ssrc), appData: { source: 'webcam' } });
    const audio = await node.produce({ roomId, peerId: 'sender', transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(44444444), appData: { source: 'mic' } });
    let seq = 1;
    const timer = setInterval(() => rtp.send(vp8Packet(seq++, ssrc), send.port, send.ip), 30);
    try {
      const sink = await udpCounter();
      const out = await node.createPlainTransport({ roomId, peerId: 'recorder', direction: 'recv', comedia: false });
      await node.connectPlainTransport({ roomId, peerId: 'recorder', transportId: out.id, ip: LISTEN_IP, port: sink.port, rtcpPort: sink.port });
      const consumer = await node.consume({ roomId, peerId: 'recorder', transportId: out.id, producerId: video.id, rtpCapabilities });
      const ref = { roomId, peerId: 'recorder', consumerId: consumer.id };
      await node.resumeConsumer(ref);
      const consumerSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? -1;
      await waitFor(() => sink.count(consumerSsrc) > 3, 5000, 'RTP at the recorder');
      await sleep(1500); // let the PLI sent on resume (if any) arrive and any throttling pass
      const before = plis;
      await node.requestKeyFrame(ref);
      await waitFor(() => plis > before, 5000, 'a PLI after requestKeyFrame');
      sink.close();

      const audioConsumer = await node.consume({ roomId, peerId: 'recorder', transportId: out.id, producerId: audio.id, rtpCapabilities });
      await expect(node.requestKeyFrame({ roomId, peerId: 'recorder', consumerId: audioConsumer.id })).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(node.requestKeyFrame({ roomId, peerId: 'recorder', consumerId: 'nope' })).rejects.toMatchObject({ code: 'consumer_not_found' });
    } finally {
      clearInterval(timer);
      rtp.close();
      rtcp.close();
    }
  });
});
