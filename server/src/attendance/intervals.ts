// Pure interval arithmetic for attendance: the union of a participant's connection
// intervals (reconnects and two tabs never count twice), the effective end of an interval
// that is still open, and the head count over a session's timeline.

/** A half-open span of time [start, end) in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** What the capture layer stores for one connection. */
export interface RawInterval {
  joinedAt: Date;
  leftAt: Date | null;
  lastSeenAt: Date;
}

export interface EndContext {
  /** The present instant. */
  now: number;
  /** An open interval not seen for longer than this belongs to a dead process. */
  staleMs: number;
  /** When the session ended, if it did: nothing counts after it. */
  endedAt: number | null;
}

/**
 * The end to count for one connection: its recorded leave; or, while still open, now if
 * the connection is alive, else the last time it was seen (the process died with it).
 * Never before the join, never after the session's end.
 */
export function effectiveSpan(i: RawInterval, ctx: EndContext): Span {
  const start = i.joinedAt.getTime();
  let end: number;
  if (i.leftAt) end = i.leftAt.getTime();
  else {
    const seen = i.lastSeenAt.getTime();
    end = ctx.now - seen > ctx.staleMs ? seen : ctx.now;
  }
  if (ctx.endedAt !== null) end = Math.min(end, Math.max(ctx.endedAt, start));
  return { start, end: Math.max(start, end) };
}

/** Merges overlapping and touching spans; drops empty ones. Result is sorted and disjoint. */
export function unionSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** Total time covered by the spans, counting overlaps once. */
export function coveredMs(spans: readonly Span[]): number {
  return unionSpans(spans).reduce((sum, s) => sum + (s.end - s.start), 0);
}

export interface HeadCountPoint {
  /** Epoch ms at which the count changes to `count`. */
  at: number;
  count: number;
}

/**
 * Step function of how many distinct participants were present: each participant's spans
 * are unioned first, so one person in two tabs counts once. The last point drops to 0
 * when everyone has left.
 */
export function headCount(perParticipant: readonly (readonly Span[])[]): HeadCountPoint[] {
  const deltas = new Map<number, number>();
  for (const spans of perParticipant) {
    for (const s of unionSpans(spans)) {
      deltas.set(s.start, (deltas.get(s.start) ?? 0) + 1);
      deltas.set(s.end, (deltas.get(s.end) ?? 0) - 1);
    }
  }
  const points: HeadCountPoint[] = [];
  let count = 0;
  for (const at of [...deltas.keys()].sort((a, b) => a - b)) {
    const d = deltas.get(at) ?? 0;
    if (d === 0) continue;
    count += d;
    points.push({ at, count });
  }
  return points;
}

/** The highest head count reached. */
export function peak(points: readonly HeadCountPoint[]): number {
  return points.reduce((m, p) => Math.max(m, p.count), 0);
}
