// Test-only: RTP that reaches a participant through the SFU, counted at a UDP socket of the
// test (a plain recv transport consuming another peer's producer), so a fault test can see
// media keep flowing while something else is down.
import { createSocket, type Socket } from 'node:dgram';
import type { SfuNode } from '@lectern/sfu';

export interface MediaProbe {
  /** RTP packets received so far. */
  readonly packets: number;
  close(): Promise<void>;
}

const IP = '127.0.0.1';

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, IP, resolve));
  return s;
}

/** `peerId` (already in the room) consumes `producerId`; every packet arriving is counted. */
export async function consumeWithProbe(node: SfuNode, roomId: string, peerId: string, producerId: string): Promise<MediaProbe> {
  const rtp = await bound();
  const rtcp = await bound();
  let packets = 0;
  rtp.on('message', () => void packets++);
  rtcp.on('message', () => undefined);
  const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: 10 });
  const t = await node.createPlainTransport({ roomId, peerId, direction: 'recv', comedia: false });
  await node.connectPlainTransport({ roomId, peerId, transportId: t.id, ip: IP, port: rtp.address().port, rtcpPort: rtcp.address().port });
  const consumer = await node.consume({ roomId, peerId, transportId: t.id, producerId, rtpCapabilities: { codecs: rtpCapabilities.codecs ?? [], headerExtensions: [] } });
  await node.resumeConsumer({ roomId, peerId, consumerId: consumer.id });
  return {
    get packets() {
      return packets;
    },
    async close() {
      await node.closeTransport({ roomId, peerId, transportId: t.id }).catch(() => undefined);
      rtp.close();
      rtcp.close();
    },
  };
}
