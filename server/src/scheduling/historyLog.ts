// The session_history audit: who changed what, when, before/after, and why.
import { asc, eq, inArray } from 'drizzle-orm';
import { sessionHistory, users, type Database, type Executor, type SessionHistoryAction } from '@lectern/db';
import type { SessionRow } from '../sessions/sessionAccess.js';

const AUDITED = [
  'title',
  'status',
  'scheduledAt',
  'durationMinutes',
  'timezone',
  'hostId',
  'courseId',
  'type',
  'mode',
  'guestAccess',
  'participantLimit',
  'webinarMode',
  'meetingUrl',
  'priceCents',
  'currency',
  'cancelReason',
  'sequence',
] as const;

/** The audited fields of a row, JSON-ready. */
export function snapshot(s: SessionRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of AUDITED) {
    const v = s[k];
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return { ...out, ...extra };
}

export interface HistoryEntry {
  sessionId: string;
  actorId: string | null;
  action: SessionHistoryAction;
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  at: Date;
}

export async function recordHistory(tx: Executor, entries: HistoryEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 200) {
    const chunk = entries.slice(i, i + 200);
    await tx.insert(sessionHistory).values(
      chunk.map((e) => ({
        sessionId: e.sessionId,
        actorId: e.actorId,
        action: e.action,
        reason: e.reason ?? null,
        before: e.before ?? null,
        after: e.after ?? null,
        createdAt: e.at,
      })),
    );
  }
}

/** User ids an entry mentions: invitees added or removed, hosts before and after. */
function mentioned(before: unknown, after: unknown): string[] {
  const ids: string[] = [];
  for (const side of [before, after]) {
    if (!side || typeof side !== 'object') continue;
    const v = side as Record<string, unknown>;
    for (const key of ['added', 'removed']) if (Array.isArray(v[key])) ids.push(...v[key].filter((x): x is string => typeof x === 'string'));
    if (typeof v.hostId === 'string') ids.push(v.hostId);
  }
  return ids;
}

export async function listHistory(db: Database, sessionId: string) {
  const rows = await db
    .select({ h: sessionHistory, actorName: users.name })
    .from(sessionHistory)
    .leftJoin(users, eq(users.id, sessionHistory.actorId))
    .where(eq(sessionHistory.sessionId, sessionId))
    .orderBy(asc(sessionHistory.createdAt), asc(sessionHistory.id));
  const ids = [...new Set(rows.flatMap(({ h }) => mentioned(h.before, h.after)))];
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const u of await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids.slice(i, i + 500)))) names.set(u.id, u.name);
  }
  return rows.map(({ h, actorName }) => ({
    id: h.id,
    action: h.action,
    actorId: h.actorId,
    actorName,
    reason: h.reason,
    before: h.before,
    after: h.after,
    at: h.createdAt.toISOString(),
    people: Object.fromEntries(mentioned(h.before, h.after).flatMap((id) => (names.has(id) ? [[id, names.get(id)!] as const] : []))),
  }));
}
