import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { AUDIO_LEVEL_EXT_ID, LISTEN_IP, OPUS_PT, RTC_PORTS, audioPacket, nextEvent, testLogger, testPortBase } from './test/helpers.js';

describe('SfuNode active speaker', () => {
  let node: SfuNode;
  let socket: Socket;

  beforeAll(async () => {
    node = await SfuNode.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
    socket = createSocket('udp4');
  });
  afterAll(async () => {
    socket.close();
    await node.close();
  });

  it('SfuNode emits activeSpeaker when a peer starts speaking over a silent one', async () => {
    const roomId = 'speakers';
    await node.ensureRoom({ roomId, maxPeers: 3 });
    const mics: Record<string, { ip: string; port: number; ssrc: number }> = {};
    // The silent peer's microphone is added first, so it is the observer's initial pick.
    for (const [peerId, ssrc] of [['quiet', 1001], ['talker', 2002]] as const) {
      await node.addPeer({ roomId, peerId });
      const plain = await node.createPlainTransport({ roomId, peerId, direction: 'send' });
      await node.produce({
        roomId,
        peerId,
        transportId: plain.id,
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }],
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXT_ID }],
          encodings: [{ ssrc }],
        },
        appData: { source: 'mic' },
      });
      mics[peerId] = { ip: plain.ip, port: plain.port, ssrc };
    }
    const talker = nextEvent(node, 'activeSpeaker', (e) => e.roomId === roomId && e.peerId === 'talker', 8000);
    let seq = 0;
    const timer = setInterval(() => {
      seq++;
      const quiet = mics['quiet']!;
      const loud = mics['talker']!;
      socket.send(audioPacket(quiet.ssrc, seq, 127), quiet.port, quiet.ip); // silence
      socket.send(audioPacket(loud.ssrc, seq, 5 + (seq % 25)), loud.port, loud.ip); // speech-like
    }, 20);
    try {
      expect(await talker).toEqual([{ roomId, peerId: 'talker' }]);
    } finally {
      clearInterval(timer);
    }
  });
});
