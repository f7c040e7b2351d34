// The media the SFU benchmarks feed their one producer: RTP packets of PACKET_BYTES carrying a
// VP8 key frame each (so every consumer forwards from the first packet), shared by sfu.ts
// (PlainTransport consumers) and sfuWebrtc.ts (WebRtcTransport consumers).
export const PACKET_BYTES = 1100;
export const SSRC = 0x1111;
export const PT = 101;

/** An RTP packet of PACKET_BYTES whose VP8 payload starts a key frame (so every consumer forwards from the first). */
export function rtpPacket(seq: number, timestamp: number): Buffer {
  const b = Buffer.alloc(PACKET_BYTES);
  b[0] = 0x80;
  b[1] = 0x80 | PT; // marker: one packet per frame
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(SSRC, 8);
  // VP8 payload descriptor (S=1, partition 0), then a key-frame header: P=0, start code, 640x360.
  Buffer.from([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]).copy(b, 12);
  return b;
}
