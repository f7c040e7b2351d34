// Scheduling calls of the REST API and the shapes they return.
import { api, asList, request, upload } from '../../api.js';
import type { User } from '../../types.js';

import type { Course } from '@lectern/server/contract/courses';
import type { HistoryEntry, Invitee, Scope } from '@lectern/server/contract/scheduling';
import type { CreateSessionBody as CreateBody, SessionDto as FullSession } from '@lectern/server/contract/sessions';

export type { Material, SessionMode, SessionType } from '@lectern/server/contract/sessions';
export type { Course, CreateBody, FullSession, HistoryEntry, Invitee, Scope };

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
export function uploadMaterial(sessionId: string, file: File, title: string): Promise<FullSession> {
  const form = new FormData();
  if (title) form.append('title', title);
  form.append('file', file);
  return upload<FullSession>(`/api/sessions/${enc(sessionId)}/materials/files`, form);
}
