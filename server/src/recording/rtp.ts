// Small RTP helpers for the recorder: header parsing, key-frame detection (VP8, H264) and
// the SDP that tells ffmpeg how to read one RTP stream.

export interface RtpHeader {
  payloadType: number;
  ssrc: number;
  /** Offset of the payload in the packet. */
  payloadOffset: number;
}

/** Parses an RTP header; null for anything that is not RTP version 2 (or too short). */
export function parseRtp(packet: Buffer): RtpHeader | null {
  if (packet.length < 12) return null;
  const b0 = packet[0] ?? 0;
  if (b0 >> 6 !== 2) return null;
  const b1 = packet[1] ?? 0;
  const payloadType = b1 & 0x7f;
  if (payloadType >= 72 && payloadType <= 79) return null; // RTCP sent to the RTP port
  let offset = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (b0 & 0x20) end -= packet[packet.length - 1] ?? 0;
  if (offset >= end) return null;
  return { payloadType, ssrc: packet.readUInt32BE(8), payloadOffset: offset };
}

/** True when the packet starts a VP8 key frame. */
export function isVp8KeyFrame(packet: Buffer, payloadOffset: number): boolean {
  let i = payloadOffset;
  const d = packet[i];
  if (d === undefined) return false;
  const start = (d & 0x10) !== 0;
  const partition = d & 0x07;
  if (!start || partition !== 0) return false;
  i += 1;
  if (d & 0x80) {
    const x = packet[i] ?? 0;
    i += 1;
    if (x & 0x80) i += (packet[i] ?? 0) & 0x80 ? 2 : 1; // picture id (7 or 15 bits)
    if (x & 0x40) i += 1; // TL0PICIDX
    if (x & 0x30) i += 1; // TID / KEYIDX
  }
  const header = packet[i];
  return header !== undefined && (header & 0x01) === 0;
}

/** True when the packet carries an H264 IDR slice or SPS (single NAL, STAP-A or FU-A start). */
export function isH264KeyFrame(packet: Buffer, payloadOffset: number): boolean {
  const first = packet[payloadOffset];
  if (first === undefined) return false;
  const type = first & 0x1f;
  if (type === 5 || type === 7) return true;
  if (type === 24) {
    let i = payloadOffset + 1;
    while (i + 2 < packet.length) {
      const size = packet.readUInt16BE(i);
      const nal = (packet[i + 2] ?? 0) & 0x1f;
      if (nal === 5 || nal === 7) return true;
      i += 2 + size;
    }
    return false;
  }
  if (type === 28) {
    const fu = packet[payloadOffset + 1] ?? 0;
    return (fu & 0x80) !== 0 && ((fu & 0x1f) === 5 || (fu & 0x1f) === 7);
  }
  return false;
}

export interface SdpCodec {
  kind: 'audio' | 'video';
  payloadType: number;
  /** e.g. "opus", "VP8", "H264" */
  name: string;
  clockRate: number;
  channels?: number;
  fmtp?: string;
}

/** The SDP ffmpeg reads to receive one RTP stream on `port` (RTCP on port + 1). */
export function sdpFor(codec: SdpCodec, ip: string, port: number): string {
  const rtpmap = `${codec.name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`;
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${ip}`,
    's=Lectern recording',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=${codec.kind} ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${rtpmap}`,
    ...(codec.fmtp ? [`a=fmtp:${codec.payloadType} ${codec.fmtp}`] : []),
    'a=recvonly',
    '',
  ].join('\n');
}
