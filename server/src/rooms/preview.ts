import { eq } from 'drizzle-orm';
import { users, type Database } from '@lectern/db';
import type { Clock } from '../clock.js';
import type { CodePreview } from './contract.js';
import { resolveCode } from './joinCodes.js';

/** What a live code opens; NotFoundError (the same for every dead code) otherwise. */
export async function codePreview(db: Database, clock: Clock, code: string): Promise<CodePreview> {
  const s = await resolveCode(db, clock, code);
  const [host] = await db.select({ name: users.name }).from(users).where(eq(users.id, s.hostId));
  return {
    sessionId: s.id,
    title: s.title,
    hostName: host?.name ?? '',
    status: s.status === 'live' ? 'live' : 'scheduled',
    scheduledAt: s.scheduledAt.toISOString(),
    durationMinutes: s.durationMinutes,
    timezone: s.timezone,
  };
}
