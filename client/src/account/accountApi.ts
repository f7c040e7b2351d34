import type { ChangePasswordBody, ResetConfirmBody, ResetRequestResult } from '@lectern/server/contract/account';
import { api } from '../api.js';
import type { User } from '../types.js';

export const changePassword = (body: ChangePasswordBody) => api.post<undefined>('/api/me/password', body);
export const updateMe = (body: { name?: string; timezone?: string }) => api.patch<User>('/api/me', body);
export const requestReset = (email: string) => api.post<ResetRequestResult>('/api/auth/password-reset', { email }, { anonymous: true, noRefresh: true });
export const confirmReset = (body: ResetConfirmBody) => api.post<undefined>('/api/auth/password-reset/confirm', body, { anonymous: true, noRefresh: true });
