import { and, count, eq } from 'drizzle-orm';
import { sessionRsvps, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { getSessionRow, isInvitee, viewableSession } from '../sessions/sessionAccess.js';
import type { RsvpResponse, RsvpState } from './contract.js';

export async function rsvpState(db: Database, who: AccessClaims, sessionId: string): Promise<RsvpState> {
  const session = await viewableSession(db, who, sessionId);
  const rows = await db.select({ response: sessionRsvps.response, n: count() }).from(sessionRsvps).where(eq(sessionRsvps.sessionId, session.id)).groupBy(sessionRsvps.response);
  const counts = { yes: 0, maybe: 0, no: 0 };
  for (const r of rows) counts[r.response] = Number(r.n);
  const [mine] = await db.select({ response: sessionRsvps.response }).from(sessionRsvps).where(and(eq(sessionRsvps.sessionId, session.id), eq(sessionRsvps.userId, who.userId)));
  const open = session.status === 'scheduled' || session.status === 'live';
  const invited = session.hostId !== who.userId && (await isInvitee(db, session, who.userId));
  return { mine: mine?.response ?? null, canAnswer: open && invited, counts };
}

export async function answerRsvp(db: Database, who: AccessClaims, sessionId: string, response: RsvpResponse, now: Date): Promise<RsvpState> {
  const session = await getSessionRow(db, sessionId);
  if (!(await isInvitee(db, session, who.userId))) throw new NotFoundError('Session not found');
  if (session.status !== 'scheduled' && session.status !== 'live') throw new ConflictError(`The session is ${session.status}`);
  await db
    .insert(sessionRsvps)
    .values({ sessionId: session.id, userId: who.userId, response, updatedAt: now })
    .onConflictDoUpdate({ target: [sessionRsvps.sessionId, sessionRsvps.userId], set: { response, updatedAt: now } });
  return rsvpState(db, who, sessionId);
}
