import type { BulkEnrolResult, CourseSummary } from '@lectern/server/contract/admin';
import { api } from '../api.js';
import type { User, UserRole } from '../types.js';

export type { BulkEnrolResult, CourseSummary };

export const listUsers = (q: { q?: string; role?: UserRole | ''; limit: number; offset: number }) => {
  const p = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset) });
  if (q.q) p.set('q', q.q);
  if (q.role) p.set('role', q.role);
  return api.get<User[]>(`/api/users?${p.toString()}`);
};
export const updateUser = (id: string, body: { name?: string; role?: UserRole; disabled?: boolean; password?: string }) => api.patch<User>(`/api/users/${id}`, body);

export const listCourses = () => api.get<CourseSummary[]>('/api/admin/courses?archived=include');
export const createCourse = (body: { title: string; ownerId: string; description?: string }) => api.post<{ id: string }>('/api/courses', body);
export const updateCourse = (id: string, body: { title?: string; ownerId?: string }) => api.patch<unknown>(`/api/courses/${id}`, body);
export const archiveCourse = (id: string, archived: boolean) => api.post<CourseSummary>(`/api/admin/courses/${id}/archive`, { archived });
export const courseStudents = (id: string) => api.get<User[]>(`/api/courses/${id}/enrolments`);
export const removeStudent = (id: string, userId: string) => api.del<undefined>(`/api/courses/${id}/enrolments/${userId}`);
export const bulkEnrol = (id: string, emails: string[], dryRun: boolean) => api.post<BulkEnrolResult>(`/api/admin/courses/${id}/enrolments/bulk`, { emails, dryRun });

/** A random temporary password: 16 symbols without look-alikes. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
