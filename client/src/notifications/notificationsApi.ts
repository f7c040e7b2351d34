// REST calls of the notification center, preferences and push subscriptions.
import type {
  AppNotification,
  NotificationPreferences,
  PreferencePatch,
  PushSubscriptionCreated,
  ReadAllResult,
  UnreadCount,
  VapidPublicKey,
} from '@lectern/server/contract/notifications';
import { api, request } from '../api.js';

export const notificationsApi = {
  list: (opts: { unread?: boolean; limit?: number; before?: string } = {}) => {
    const q = new URLSearchParams();
    if (opts.unread) q.set('unread', '1');
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.before) q.set('before', opts.before);
    const qs = q.toString();
    return api.get<AppNotification[]>(`/api/me/notifications${qs ? `?${qs}` : ''}`);
  },
  unreadCount: () => api.get<UnreadCount>('/api/me/notifications/unread-count'),
  markRead: (id: string) => api.post<AppNotification>(`/api/me/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => api.post<ReadAllResult>('/api/me/notifications/read-all'),
  preferences: () => api.get<NotificationPreferences>('/api/me/notification-preferences'),
  savePreferences: (patch: PreferencePatch) => request<NotificationPreferences>('PUT', '/api/me/notification-preferences', { preferences: patch }),
  vapidKey: () => api.get<VapidPublicKey>('/api/push/vapid-public-key'),
  subscribe: (sub: PushSubscriptionJSON) => api.post<PushSubscriptionCreated>('/api/me/push-subscriptions', sub),
  unsubscribe: (endpoint: string) => request<void>('DELETE', '/api/me/push-subscriptions', { endpoint }),
};
