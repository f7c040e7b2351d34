// The large-room bench's arithmetic (largeRoom.ts): loss and percentiles, and the packet and CPU
// counters it reads from mediasoup (by worker pid) at both ends of its window.
import type { SfuNode } from '@lectern/sfu';

/** Loss, %, of `part` against `whole` (null when nothing was due). */
export const pct = (part: number, whole: number) => (whole > 0 ? +Math.max(0, (1 - part / whole) * 100).toFixed(2) : null);
const nearestRank = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)] ?? null;
const ms1 = (x: number | null) => (x === null ? null : +x.toFixed(1));
/** Median and maximum of durations in ms, to 0.1 ms. */
export const p50max = (xs: number[]) => ({ p50: ms1(nearestRank(xs, 0.5)), max: xs.length ? ms1(Math.max(...xs)) : null });
export const round2 = (xs: number[]) => xs.map((x) => +x.toFixed(2));

/** What a stats reading needs of a mediasoup consumer or producer. */
interface Counted {
  getStats(): Promise<{ type: string; packetCount: number }[]>;
}

/** A counter read at `at` (performance.now(), the middle of its reading). */
export interface Reading {
  packets: number;
  at: number;
}

/**
 * Packets so far by worker pid: the sum of `type` streams' counters ('outbound-rtp': what
 * consumers sent, 'inbound-rtp': what producers took in). Reading hundreds of consumers' stats
 * takes a while on a busy machine, so each pid's reading carries its own time.
 */
export async function packetsByPid(by: Map<number, Set<Counted>>, type: 'outbound-rtp' | 'inbound-rtp'): Promise<Map<number, Reading>> {
  const result = new Map<number, Reading>();
  for (const [pid, items] of by) {
    const start = performance.now();
    const stats = (await Promise.all([...items].map((c) => c.getStats().catch(() => [])))).flat();
    result.set(pid, { packets: stats.reduce((sum, s) => sum + (s.type === type ? s.packetCount : 0), 0), at: (start + performance.now()) / 2 });
  }
  return result;
}

/** Packets per second between two readings, summed over the pids `keys` (each over its own interval). */
export function rate(r0: Map<number, Reading>, r1: Map<number, Reading>, keys: readonly number[]): number {
  let pps = 0;
  for (const k of keys) {
    const [a, b] = [r0.get(k), r1.get(k)];
    if (b && b.at > (a?.at ?? -Infinity)) pps += (b.packets - (a?.packets ?? 0)) / ((b.at - (a?.at ?? 0)) / 1000);
  }
  return Math.round(pps);
}

/** Each worker's CPU time so far (user + system), ms, by pid, over every node. */
export async function cpuMsByPid(nodes: readonly SfuNode[]): Promise<Map<number, number>> {
  const stats = (await Promise.all(nodes.map((n) => n.workerStats()))).flat();
  return new Map(stats.map((w) => [w.pid, w.cpu ? (w.cpu.userSeconds + w.cpu.systemSeconds) * 1000 : 0]));
}
