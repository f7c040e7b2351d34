// Attendance status of one participant in one session, from what was captured, who was
// expected and what the teacher set by hand. Pure: the clock and the grace come in.
import type { AttendanceStatus } from '@lectern/db';
import type { ReportStatus, Rsvp } from './contract.js';

export interface SessionTiming {
  scheduledAt: Date;
  startedAt: Date | null;
}

/**
 * The instant lateness is measured from: the later of the scheduled time and the actual
 * start, so an early start does not make punctual people late and a late start by the
 * teacher does not make everyone late.
 */
export function lateReference(s: SessionTiming): Date {
  if (!s.startedAt) return s.scheduledAt;
  return s.startedAt.getTime() > s.scheduledAt.getTime() ? s.startedAt : s.scheduledAt;
}

export interface StatusInput {
  session: SessionTiming;
  /** The session has started (live or completed). */
  held: boolean;
  graceMinutes: number;
  firstJoinAt: Date | null;
  rsvp: Rsvp | null;
  override: AttendanceStatus | null;
}

export function computeStatus(i: StatusInput): ReportStatus {
  if (i.override) return i.override;
  if (i.firstJoinAt) {
    const limit = lateReference(i.session).getTime() + i.graceMinutes * 60_000;
    return i.firstJoinAt.getTime() > limit ? 'late' : 'present';
  }
  if (i.held) return 'absent';
  switch (i.rsvp) {
    case 'accepted':
      return 'registered';
    case 'declined':
      return 'declined';
    case 'invited':
    case null:
      return 'invited';
  }
}

/** Came to the session (on time or late). */
export const attended = (s: ReportStatus): boolean => s === 'present' || s === 'late';
