// Turns a session row into the contract's SessionDto.
import type { SessionDto } from './contract.js';
import type { SessionRow } from './sessionAccess.js';

export interface SessionDtoExtras {
  hostName?: string | undefined;
  recurrence?: string | undefined;
  recordings?: number | undefined;
}

export function toSessionDto(s: SessionRow, extras: SessionDtoExtras = {}): SessionDto {
  return {
    id: s.id,
    seriesId: s.seriesId,
    title: s.title,
    description: s.description,
    type: s.type,
    mode: s.mode,
    status: s.status,
    scheduledAt: s.scheduledAt.toISOString(),
    endsAt: new Date(s.scheduledAt.getTime() + s.durationMinutes * 60_000).toISOString(),
    durationMinutes: s.durationMinutes,
    timezone: s.timezone,
    hostId: s.hostId,
    courseId: s.courseId,
    participantLimit: s.participantLimit,
    guestAccess: s.guestAccess,
    meetingUrl: s.meetingUrl,
    priceCents: s.priceCents,
    currency: s.currency,
    materials: s.materials,
    sequence: s.sequence,
    locked: s.locked,
    webinarMode: s.webinarMode,
    startedAt: s.startedAt?.toISOString() ?? null,
    endedAt: s.endedAt?.toISOString() ?? null,
    cancelReason: s.cancelReason,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ...(extras.hostName !== undefined ? { hostName: extras.hostName } : {}),
    ...(extras.recurrence !== undefined ? { recurrence: extras.recurrence } : {}),
    ...(extras.recordings !== undefined ? { recordings: extras.recordings } : {}),
  };
}
