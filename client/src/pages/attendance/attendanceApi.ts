// Types and fetchers for the attendance API (server/src/attendance/routes.ts).
import { api, download, request } from '../../api.js';

export type ReportStatus = 'present' | 'late' | 'absent' | 'excused' | 'registered' | 'invited' | 'declined';
export type CorrectableStatus = 'present' | 'late' | 'absent' | 'excused';

export interface ParticipantRecord {
  participantId: string;
  userId: string | null;
  name: string;
  role: string;
  expected: boolean;
  rsvp: 'invited' | 'accepted' | 'declined' | null;
  status: ReportStatus;
  computedStatus: ReportStatus;
  corrected: boolean;
  note: string | null;
  firstJoinAt: string | null;
  lastLeaveAt: string | null;
  inRoomNow: boolean;
  minutesPresent: number;
  secondsPresent: number;
  intervals: number;
  spans: { start: string; end: string }[];
}

export interface SessionTotals {
  expected: number;
  attended: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  unexpected: number;
  rate: number | null;
  peakHeadCount: number;
}

export interface SessionReport {
  session: {
    id: string;
    title: string;
    status: 'scheduled' | 'live' | 'completed' | 'cancelled';
    scheduledAt: string;
    startedAt: string | null;
    endedAt: string | null;
    durationMinutes: number;
    timezone: string;
    courseId: string | null;
    hostId: string;
  };
  timezone: string;
  lateGraceMinutes: number;
  totals: SessionTotals;
  participants: ParticipantRecord[];
  timeline: { at: string; count: number }[];
  generatedAt: string;
}

export interface Tally {
  sessions: number;
  attended: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  minutes: number;
  rate: number | null;
}

export interface StudentReport {
  user: { id: string; name: string };
  totals: Tally;
  sessions: {
    sessionId: string;
    title: string;
    courseId: string | null;
    at: string;
    timezone: string;
    status: ReportStatus;
    minutesPresent: number;
    firstJoinAt: string | null;
    lastLeaveAt: string | null;
    note: string | null;
  }[];
}

export interface CourseReport {
  course: { id: string; title: string };
  totals: { sessions: number; averageRate: number | null; averageAttended: number | null; students: number };
  sessions: (SessionTotals & { sessionId: string; title: string; at: string; timezone: string })[];
  students: (Tally & { userId: string; name: string; cells: { sessionId: string; status: ReportStatus | null; minutesPresent: number }[] })[];
}

export interface HostReport {
  host: { id: string; name: string; role: string };
  totals: { sessionsHeld: number; averageRate: number | null; averageAttended: number | null; minutesHeld: number };
  sessions: (SessionTotals & { sessionId: string; title: string; courseId: string | null; at: string; timezone: string; asCohost: boolean; heldMinutes: number | null })[];
}

export interface Overview {
  totals: {
    sessions: number;
    scheduled: number;
    live: number;
    completed: number;
    cancelled: number;
    liveNow: number;
    inRoomNow: number;
    participants: number;
    meetings: number;
  };
  revenue: { currency: string; cents: number; sessions: number; attendees: number }[];
}

export interface Range {
  from?: string;
  to?: string;
}

const enc = encodeURIComponent;
const qs = (r: Range = {}) => {
  const p = new URLSearchParams();
  if (r.from) p.set('from', r.from);
  if (r.to) p.set('to', r.to);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const getSessionReport = (id: string) => api.get<SessionReport>(`/api/sessions/${enc(id)}/attendance`);
/** `id` may be 'me'. */
export const getStudentReport = (id: string, r?: Range) =>
  api.get<StudentReport>(id === 'me' ? `/api/me/attendance${qs(r)}` : `/api/reports/students/${enc(id)}${qs(r)}`);
export const getCourseReport = (id: string, r?: Range) => api.get<CourseReport>(`/api/reports/courses/${enc(id)}${qs(r)}`);
export const getHostReport = (id: string, r?: Range) => api.get<HostReport>(`/api/reports/hosts/${enc(id)}${qs(r)}`);
export const getOverview = (r?: Range) => api.get<Overview>(`/api/admin/overview${qs(r)}`);
export const correct = (sessionId: string, participantId: string, status: CorrectableStatus, note: string) =>
  request<ParticipantRecord>('PUT', `/api/sessions/${enc(sessionId)}/attendance/${enc(participantId)}`, { status, note });
export const clearCorrection = (sessionId: string, participantId: string) =>
  api.del<ParticipantRecord>(`/api/sessions/${enc(sessionId)}/attendance/${enc(participantId)}`);

/** The CSV needs the bearer token, so it is fetched and handed to the browser as a file. */
export const downloadCsv = (sessionId: string): Promise<void> => download(`/api/sessions/${enc(sessionId)}/attendance?format=csv`);
