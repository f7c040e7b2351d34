// What the lab reads in each Chromium page: every RTCPeerConnection the room client makes
// (captured by an init script) and, from their getStats(), the receiving side's inbound-rtp
// counters, the sending side's outbound-rtp and the selected ICE candidate pair.
import type { Page } from 'playwright-core';

// Page code is injected as strings: tsx would otherwise add helpers the page does not have.
export const CAPTURE_PCS = `(() => {
  const Real = window.RTCPeerConnection;
  const pcs = [];
  window.__netlabPcs = pcs;
  window.RTCPeerConnection = class extends Real {
    constructor(...args) { super(...args); pcs.push(this); }
  };
})()`;

const SAMPLE = `(async () => {
  const out = { at: performance.now(), video: [], audio: [], sent: [], pairs: [] };
  for (const pc of window.__netlabPcs ?? []) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    let pairId;
    let receiving = false;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      if (s.type === 'inbound-rtp') receiving = true;
      // mediasoup-client's 'probator' receiver carries only bandwidth probation padding.
      if (s.type === 'inbound-rtp' && s.kind === 'video' && s.mid !== 'probator') out.video.push({
        ssrc: s.ssrc, framesDecoded: s.framesDecoded ?? 0, freezeCount: s.freezeCount ?? 0,
        totalFreezesDuration: s.totalFreezesDuration ?? 0, nackCount: s.nackCount ?? 0, pliCount: s.pliCount ?? 0,
        firCount: s.firCount ?? 0, rtx: s.retransmittedPacketsReceived ?? 0, packetsLost: s.packetsLost ?? 0,
        packetsReceived: s.packetsReceived ?? 0, keyFramesDecoded: s.keyFramesDecoded ?? 0, frameHeight: s.frameHeight ?? 0 });
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audio.push({
        ssrc: s.ssrc, concealedSamples: s.concealedSamples ?? 0, totalSamplesReceived: s.totalSamplesReceived ?? 0 });
      if (s.type === 'outbound-rtp' && s.kind === 'video') out.sent.push({
        ssrc: s.ssrc, rid: s.rid ?? '', framesEncoded: s.framesEncoded ?? 0, frameHeight: s.frameHeight ?? 0, nackCount: s.nackCount ?? 0,
        pliCount: s.pliCount ?? 0, keyFrames: s.keyFramesEncoded ?? 0, rtxSent: s.retransmittedPacketsSent ?? 0, packetsSent: s.packetsSent ?? 0, limitation: s.qualityLimitationReason ?? '',
        mode: s.scalabilityMode ?? '', active: s.active ?? true });
    });
    const pair = pairId ? report.get(pairId) : undefined;
    const local = pair ? report.get(pair.localCandidateId) : undefined;
    if (local) out.pairs.push({ receiving, port: local.port, protocol: local.protocol, rttMs: Math.round((pair.currentRoundTripTime ?? 0) * 1000) });
  }
  return out;
})()`;

export interface VideoIn {
  ssrc: number;
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  rtx: number;
  packetsLost: number;
  packetsReceived: number;
  keyFramesDecoded: number;
  frameHeight: number;
}
export interface AudioIn {
  ssrc: number;
  concealedSamples: number;
  totalSamplesReceived: number;
}
export interface VideoOut {
  ssrc: number;
  rid: string;
  framesEncoded: number;
  frameHeight: number;
  nackCount: number;
  pliCount: number;
  keyFrames: number;
  rtxSent: number;
  packetsSent: number;
  limitation: string;
  mode: string;
  active: boolean;
}
export interface Sample {
  at: number;
  video: VideoIn[];
  audio: AudioIn[];
  sent: VideoOut[];
  pairs: { receiving: boolean; port: number; protocol: string; rttMs: number }[];
}

export function sample(page: Page): Promise<Sample> {
  return page.evaluate<Sample>(SAMPLE);
}

/** Frames decoded so far per inbound video stream (by SSRC). */
export async function framesBySsrc(page: Page): Promise<Map<number, number>> {
  return new Map((await sample(page)).video.map((v) => [v.ssrc, v.framesDecoded]));
}

/** `b - a` for each numeric field of the same stream (a stream new in `b` counts from zero). */
export function delta<T extends { ssrc: number }>(a: T[], b: T[]): T[] {
  return b.map((x) => {
    const before = a.find((y) => y.ssrc === x.ssrc);
    if (!before) return x;
    const d = { ...x } as Record<string, unknown>;
    for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && k !== 'ssrc' && k !== 'frameHeight') d[k] = v - (before as Record<string, number>)[k]!;
    return d as T;
  });
}

/**
 * Polls every remote video's decoded-frame count on each page (about every 100 ms) for `ms`;
 * returns, per page, the longest time any of its remote videos stood still. `onStall` hears
 * each still stretch past 250 ms as it grows (the lab's NETLAB_TRACE).
 */
export async function longestStalls(pages: Page[], ms: number, onStall?: (page: number, ssrc: number, ms: number) => void): Promise<number[]> {
  const last = new Map<string, { n: number; at: number }>();
  const worst = pages.map(() => 0);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const [i, page] of pages.entries()) {
      for (const [ssrc, n] of await framesBySsrc(page)) {
        const key = `${i}/${ssrc}`;
        const prev = last.get(key);
        const now = Date.now();
        if (!prev || n !== prev.n) {
          last.set(key, { n, at: now });
          continue;
        }
        worst[i] = Math.max(worst[i]!, now - prev.at);
        if (now - prev.at > 250) onStall?.(i, ssrc, now - prev.at);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return worst;
}
