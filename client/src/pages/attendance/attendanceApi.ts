// Fetchers for the attendance API (server/src/attendance/routes.ts); the types are the
// server's contract.
import type {
  CorrectableStatus,
  CourseReport,
  HostReport,
  Overview,
  OverviewTrend,
  ParticipantRecord,
  RangeQuery,
  SessionReport,
  StudentReport,
  TrendQuery,
} from '@lectern/server/contract/attendance';
import { api, download, request } from '../../api.js';

const enc = encodeURIComponent;
const qs = (r: RangeQuery & { timezone?: string } = {}) => {
  const p = new URLSearchParams();
  if (r.from) p.set('from', r.from);
  if (r.to) p.set('to', r.to);
  if (r.timezone) p.set('timezone', r.timezone);
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const getSessionReport = (id: string) => api.get<SessionReport>(`/api/sessions/${enc(id)}/attendance`);
/** `id` may be 'me'. */
export const getStudentReport = (id: string, r?: RangeQuery) =>
  api.get<StudentReport>(id === 'me' ? `/api/me/attendance${qs(r)}` : `/api/reports/students/${enc(id)}${qs(r)}`);
export const getCourseReport = (id: string, r?: RangeQuery) => api.get<CourseReport>(`/api/reports/courses/${enc(id)}${qs(r)}`);
export const getHostReport = (id: string, r?: RangeQuery) => api.get<HostReport>(`/api/reports/hosts/${enc(id)}${qs(r)}`);
export const getOverview = (r?: RangeQuery) => api.get<Overview>(`/api/admin/overview${qs(r)}`);
export const getOverviewTrend = (r: TrendQuery) => api.get<OverviewTrend>(`/api/admin/overview/trend${qs(r)}`);
export const correct = (sessionId: string, participantId: string, status: CorrectableStatus, note: string) =>
  request<ParticipantRecord>('PUT', `/api/sessions/${enc(sessionId)}/attendance/${enc(participantId)}`, { status, note });
export const clearCorrection = (sessionId: string, participantId: string) =>
  api.del<ParticipantRecord>(`/api/sessions/${enc(sessionId)}/attendance/${enc(participantId)}`);

/** The CSV needs the bearer token, so it is fetched and handed to the browser as a file. */
export const downloadCsv = (sessionId: string): Promise<void> => download(`/api/sessions/${enc(sessionId)}/attendance?format=csv`);
