// Who may be in a room and how the room is set: per-participant access (admitted, denied,
// removed), room settings (lock, guest access) and the facts the gateway reports. Every
// change of settings goes through here, whether it came over REST or the socket, and
// is announced on the bus so each API node tells the people in the room.
import { and, eq } from 'drizzle-orm';
import { roomAccess, sessions, type RoomAccessState } from '@lectern/db';
import type { AppContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { SESSION_EVENTS_TOPIC } from '../sessions/sessionService.js';
import type { SessionRow } from '../sessions/sessionAccess.js';

type Deps = Pick<AppContext, 'db' | 'clock' | 'bus'>;

export async function setAccess(deps: Pick<Deps, 'db' | 'clock'>, sessionId: string, participantId: string, state: RoomAccessState): Promise<void> {
  const now = deps.clock.now();
  await deps.db
    .insert(roomAccess)
    .values({ sessionId, participantId, state, updatedAt: now })
    .onConflictDoUpdate({ target: [roomAccess.sessionId, roomAccess.participantId], set: { state, updatedAt: now } });
}

export async function accessOf(deps: Pick<Deps, 'db'>, sessionId: string, participantId: string): Promise<RoomAccessState | null> {
  const [row] = await deps.db
    .select({ state: roomAccess.state })
    .from(roomAccess)
    .where(and(eq(roomAccess.sessionId, sessionId), eq(roomAccess.participantId, participantId)));
  return row?.state ?? null;
}

/** The session row a room belongs to. */
export async function roomSession(deps: Pick<Deps, 'db'>, sessionId: string): Promise<SessionRow> {
  const [s] = await deps.db.select().from(sessions).where(eq(sessions.id, sessionId));
  if (!s) throw new NotFoundError('Session not found');
  return s;
}

export interface RoomSettings {
  locked?: boolean | undefined;
  guestAccess?: 'lobby' | 'open' | undefined;
}

/** Changes lock and guest access, then tells every node's gateway (and so the room). */
export async function updateRoomSettings(deps: Deps, sessionId: string, patch: RoomSettings): Promise<SessionRow> {
  const set: Partial<Pick<SessionRow, 'locked' | 'guestAccess' | 'updatedAt'>> = { updatedAt: deps.clock.now() };
  if (patch.locked !== undefined) set.locked = patch.locked;
  if (patch.guestAccess !== undefined) set.guestAccess = patch.guestAccess;
  const [row] = await deps.db.update(sessions).set(set).where(eq(sessions.id, sessionId)).returning();
  if (!row) throw new NotFoundError('Session not found');
  await deps.bus.publish(SESSION_EVENTS_TOPIC, { type: 'roomChanged', sessionId, locked: row.locked, guestAccess: row.guestAccess });
  return row;
}
