// Fetchers for the attendance API (server/src/attendance/routes.ts); the types are the
// server's contract.
import type {
  CorrectableStatus,
  CourseReport,
  HostReport,
  Overview,
  ParticipantRecord,
  RangeQuery,
  SessionReport,
  StudentReport,
} from '@lectern/server/contract/attendance';
import { api, ApiError, request } from '../../api.js';
import { authToken } from '../../auth.js';

const enc = encodeURIComponent;
const qs = (r: RangeQuery = {}) => {
  const p = new URLSearchParams();
  if (r.from) p.set('from', r.from);
  if (r.to) p.set('to', r.to);
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
export const correct = (sessionId: string, participantId: string, status: CorrectableStatus, note: string) =>
  request<ParticipantRecord>('PUT', `/api/sessions/${enc(sessionId)}/attendance/${enc(participantId)}`, { status, note });
export const clearCorrection = (sessionId: string, participantId: string) =>
  api.del<ParticipantRecord>(`/api/sessions/${enc(sessionId)}/attendance/${enc(participantId)}`);

/** The CSV needs the bearer token, so it is fetched and handed to the browser as a file. */
export async function downloadCsv(sessionId: string): Promise<void> {
  const token = authToken();
  const res = await fetch(`/api/sessions/${enc(sessionId)}/attendance?format=csv`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    credentials: 'same-origin',
  });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, 'Could not download the CSV');
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  const name = star ? decodeURIComponent(star) : 'attendance.csv';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
