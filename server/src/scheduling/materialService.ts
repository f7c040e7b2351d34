// Session materials: limits, allowed types, and saving the list with its history entry.
import { eq } from 'drizzle-orm';
import { sessions, type Material } from '@lectern/db';
import type { AppContext } from '../context.js';
import { DOCUMENT_TYPES } from '../http/uploads.js';
import type { SessionRow } from '../sessions/sessionAccess.js';
import { recordHistory } from './historyLog.js';

export const MATERIAL_MAX_BYTES = 20 * 1024 * 1024;
export const MATERIALS_PER_SESSION = 50;

/** Allowed upload types: extension -> content type it is served with. */
export const MATERIAL_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ...DOCUMENT_TYPES,
  odp: 'application/vnd.oasis.opendocument.presentation',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

/** Replaces the session's materials and records the change in its history, in one transaction. */
export async function saveMaterials(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actorId: string,
  session: SessionRow,
  next: Material[],
  note: Record<string, unknown>,
): Promise<SessionRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.update(sessions).set({ materials: next, updatedAt: now }).where(eq(sessions.id, session.id)).returning();
    await recordHistory(tx, [{ sessionId: session.id, actorId, action: 'materials_changed', after: note, at: now }]);
    return row!;
  });
}
