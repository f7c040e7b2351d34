// The session_history audit: who changed what, when, before/after, and why.
import { asc, eq } from 'drizzle-orm';
import { sessionHistory, users, type Database, type Executor, type SessionHistoryAction } from '@lectern/db';
import type { SessionRow } from '../sessions/sessionAccess.js';

const AUDITED = ['title', 'status', 'scheduledAt', 'durationMinutes', 'timezone', 'hostId', 'courseId', 'cancelReason', 'sequence'] as const;

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

export async function listHistory(db: Database, sessionId: string) {
  const rows = await db
    .select({ h: sessionHistory, actorName: users.name })
    .from(sessionHistory)
    .leftJoin(users, eq(users.id, sessionHistory.actorId))
    .where(eq(sessionHistory.sessionId, sessionId))
    .orderBy(asc(sessionHistory.createdAt), asc(sessionHistory.id));
  return rows.map(({ h, actorName }) => ({
    id: h.id,
    action: h.action,
    actorId: h.actorId,
    actorName,
    reason: h.reason,
    before: h.before,
    after: h.after,
    at: h.createdAt.toISOString(),
  }));
}
