// When the room opens: to invitees 10 minutes before the start, to its host ("Start now")
// from 15 minutes before; a live session any time.
import type { FullSession } from './scheduleApi.js';

export const JOIN_OPENS_MINUTES = 10;
/** A host is offered "Start now" from this long before the scheduled start. */
export const START_OPENS_MINUTES = 15;

export function joinOpen(s: FullSession, now: number): boolean {
  if (s.status === 'live') return true;
  if (s.status !== 'scheduled') return false;
  const start = new Date(s.scheduledAt).getTime();
  return now >= start - JOIN_OPENS_MINUTES * 60_000 && now < start + s.durationMinutes * 60_000;
}

/** A host may open the room: it is live, or it starts within START_OPENS_MINUTES (or should have started). */
export function startOpen(s: FullSession, now: number): boolean {
  if (s.status === 'live') return true;
  return s.status === 'scheduled' && now >= new Date(s.scheduledAt).getTime() - START_OPENS_MINUTES * 60_000;
}
