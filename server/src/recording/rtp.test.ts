import { describe, expect, it } from 'vitest';
import { isH264KeyFrame, isVp8KeyFrame, parseRtp, sdpFor } from './rtp.js';

function rtp(payload: number[], opts: { ssrc?: number; pt?: number; csrcs?: number; ext?: number; pad?: number } = {}): Buffer {
  const csrcs = opts.csrcs ?? 0;
  const extWords = opts.ext ?? 0;
  const head = Buffer.alloc(12 + csrcs * 4 + (opts.ext === undefined ? 0 : 4 + extWords * 4));
  head[0] = 0x80 | csrcs | (opts.ext === undefined ? 0 : 0x10) | (opts.pad ? 0x20 : 0);
  head[1] = opts.pt ?? 101;
  head.writeUInt32BE(opts.ssrc ?? 1111, 8);
  if (opts.ext !== undefined) head.writeUInt16BE(extWords, 12 + csrcs * 4 + 2);
  const pad = opts.pad ? [...Array<number>(opts.pad - 1).fill(0), opts.pad] : [];
  return Buffer.concat([head, Buffer.from(payload), Buffer.from(pad)]);
}

describe('rtp', () => {
  it('rtp parseRtp finds the payload past CSRCs and header extensions, and rejects RTCP and junk', () => {
    expect(parseRtp(rtp([1, 2], { ssrc: 42 }))).toEqual({ payloadType: 101, ssrc: 42, payloadOffset: 12 });
    expect(parseRtp(rtp([1], { csrcs: 2, ext: 1 }))?.payloadOffset).toBe(12 + 8 + 4 + 4);
    expect(parseRtp(rtp([], { pad: 4 }))).toBeNull(); // nothing but padding
    expect(parseRtp(rtp([1], { pt: 72 }))).toBeNull(); // RTCP SR (200) with the marker bit
    expect(parseRtp(Buffer.from([0x40, 0, 0]))).toBeNull();
  });

  it('rtp isVp8KeyFrame reads the payload descriptor (extended picture id) and the P bit', () => {
    const key = rtp([0x90, 0x80, 0x80, 0x01, 0x30, 0x00]); // X S, I, 15-bit picture id, P=0
    const delta = rtp([0x90, 0x80, 0x80, 0x01, 0x31, 0x00]); // P=1
    const middle = rtp([0x80, 0x80, 0x05, 0x30]); // not the start of a partition
    const short = rtp([0x10, 0x30]); // no extension, S, P=0
    for (const [p, want] of [[key, true], [delta, false], [middle, false], [short, true]] as const) {
      expect(isVp8KeyFrame(p, parseRtp(p)!.payloadOffset)).toBe(want);
    }
  });

  it('rtp isH264KeyFrame sees IDR and SPS in single NALs, STAP-A and FU-A starts', () => {
    const check = (payload: number[]) => {
      const p = rtp(payload);
      return isH264KeyFrame(p, parseRtp(p)!.payloadOffset);
    };
    expect(check([0x65, 0])).toBe(true); // IDR
    expect(check([0x41, 0])).toBe(false); // non-IDR slice
    expect(check([0x78, 0, 2, 0x67, 0, 0, 2, 0x68, 0])).toBe(true); // STAP-A with SPS, PPS
    expect(check([0x7c, 0x85, 0])).toBe(true); // FU-A start of an IDR
    expect(check([0x7c, 0x05, 0])).toBe(false); // FU-A continuation
  });

  it('rtp sdpFor describes one stream for ffmpeg', () => {
    const sdp = sdpFor({ kind: 'audio', payloadType: 100, name: 'opus', clockRate: 48000, channels: 2 }, '127.0.0.1', 47800);
    expect(sdp).toContain('m=audio 47800 RTP/AVP 100');
    expect(sdp).toContain('a=rtpmap:100 opus/48000/2');
    expect(sdpFor({ kind: 'video', payloadType: 101, name: 'VP8', clockRate: 90000 }, '127.0.0.1', 47802)).toContain('a=rtpmap:101 VP8/90000\n');
  });
});
