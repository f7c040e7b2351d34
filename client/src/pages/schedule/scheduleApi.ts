// Scheduling calls of the REST API and the shapes they return.
import { api, ApiError, asList, request } from '../../api.js';
import { authToken } from '../../auth.js';
import type { Session, User } from '../../types.js';

export type SessionType = 'class' | 'webinar' | 'workshop' | 'office_hours' | 'one_on_one' | 'group_meeting' | 'instant';
export type SessionMode = 'video' | 'audio' | 'in_person' | 'hybrid';
export type Scope = 'one' | 'following' | 'all';

export interface Material {
  id?: string;
  kind: 'link' | 'file';
  title: string;
  url: string;
  sizeBytes?: number;
  contentType?: string;
  fileName?: string;
}

export interface FullSession extends Session {
  seriesId: string | null;
  description: string;
  type: SessionType;
  mode: SessionMode;
  courseId: string | null;
  participantLimit: number | null;
  meetingUrl: string | null;
  priceCents: number;
  currency: string;
  materials: Material[];
  sequence: number;
  cancelReason: string | null;
  hostName?: string;
  recurrence?: string;
  endsAt: string;
}

export interface Course {
  id: string;
  title: string;
  ownerId: string;
}

export interface Invitee {
  id: string;
  name: string;
  email: string;
  rsvp: string;
}

export interface HistoryEntry {
  id: string;
  action: string;
  actorName: string | null;
  reason: string | null;
  at: string;
}

export interface CreateBody {
  title: string;
  description?: string;
  type?: SessionType;
  mode?: SessionMode;
  scheduledAt: string;
  durationMinutes: number;
  timezone: string;
  guestAccess: 'lobby' | 'open';
  courseId?: string;
  invitees?: string[];
  participantLimit?: number;
  meetingUrl?: string;
  priceCents?: number;
  recurrence?: string;
  materials?: { title: string; url: string }[];
}

const enc = encodeURIComponent;

export const schedule = {
  list: async (query: Record<string, string | undefined> = {}): Promise<FullSession[]> => {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])));
    return asList<FullSession>(await api.get(`/api/sessions${qs.size ? `?${qs.toString()}` : ''}`));
  },
  get: (id: string) => api.get<FullSession>(`/api/sessions/${enc(id)}`),
  create: (body: CreateBody) => api.post<FullSession>('/api/sessions', body),
  patch: (id: string, scope: Scope, body: Record<string, unknown>) => api.patch<{ session: FullSession; affected: number }>(`/api/sessions/${enc(id)}?scope=${scope}`, body),
  reschedule: (id: string, body: { scheduledAt: string; timezone?: string; durationMinutes?: number; reason: string }) =>
    api.post<FullSession>(`/api/sessions/${enc(id)}/reschedule`, body),
  cancel: (id: string, reason: string, scope: Scope) => api.post<{ session: FullSession; affected: number }>(`/api/sessions/${enc(id)}/cancel`, { reason, scope }),
  invitees: async (id: string) => asList<Invitee>(await api.get(`/api/sessions/${enc(id)}/invitees`)),
  invite: (id: string, userIds: string[], scope: Scope) => api.post<{ affected: number }>(`/api/sessions/${enc(id)}/invitees`, { userIds, scope }),
  uninvite: (id: string, userId: string, scope: Scope) => api.del<{ affected: number }>(`/api/sessions/${enc(id)}/invitees/${enc(userId)}?scope=${scope}`),
  history: async (id: string) => asList<HistoryEntry>(await api.get(`/api/sessions/${enc(id)}/history`)),
  addLink: (id: string, title: string, url: string) => api.post<FullSession>(`/api/sessions/${enc(id)}/materials`, { title, url }),
  removeMaterial: (id: string, materialId: string) => api.del<FullSession>(`/api/sessions/${enc(id)}/materials/${enc(materialId)}`),
  assignHost: (id: string, hostId: string, scope: Scope) => request<{ affected: number }>('PUT', `/api/sessions/${enc(id)}/host`, { hostId, scope }),
  calendarUrl: () => api.get<{ url: string }>('/api/me/calendar'),
  regenerateCalendar: () => api.post<{ url: string }>('/api/me/calendar/regenerate'),
  courses: async () => asList<Course>(await api.get('/api/courses')),
  enrolments: async (courseId: string) => asList<User>(await api.get(`/api/courses/${enc(courseId)}/enrolments`)),
  users: async () => asList<User>(await api.get('/api/users')),
};

/** Multipart upload of one material file (the JSON helper cannot send files). */
export async function uploadMaterial(sessionId: string, file: File, title: string): Promise<FullSession> {
  const form = new FormData();
  if (title) form.append('title', title);
  form.append('file', file);
  const token = authToken();
  const res = await fetch(`/api/sessions/${enc(sessionId)}/materials/files`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) {
    const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, data.error?.code ?? `http_${res.status}`, data.error?.message ?? 'Upload failed');
  }
  return (await res.json()) as FullSession;
}

/** Downloads an authenticated URL (an .ics or a material) and saves it under `name`. */
export async function downloadWithAuth(path: string, name: string): Promise<void> {
  const token = authToken();
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, 'Download failed');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
