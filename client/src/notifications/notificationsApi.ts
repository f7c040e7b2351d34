// REST calls of the notification center, preferences and push subscriptions.
import { api, request } from '../api.js';

export interface AppNotification {
  id: string;
  type: string;
  title: string;
  body: string;
  urgent: boolean;
  link: string | null;
  read: boolean;
  createdAt: string;
}

export type Channel = 'in_app' | 'email' | 'push';
export interface Preferences {
  eventTypes: string[];
  channels: Channel[];
  preferences: Record<string, Record<Channel, boolean>>;
}

export const notificationsApi = {
  list: (opts: { unread?: boolean; limit?: number; before?: string } = {}) => {
    const q = new URLSearchParams();
    if (opts.unread) q.set('unread', '1');
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.before) q.set('before', opts.before);
    const qs = q.toString();
    return api.get<AppNotification[]>(`/api/me/notifications${qs ? `?${qs}` : ''}`);
  },
  unreadCount: () => api.get<{ count: number }>('/api/me/notifications/unread-count'),
  markRead: (id: string) => api.post<AppNotification>(`/api/me/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => api.post<{ updated: number }>('/api/me/notifications/read-all'),
  preferences: () => api.get<Preferences>('/api/me/notification-preferences'),
  savePreferences: (patch: Record<string, Partial<Record<Channel, boolean>>>) => request<Preferences>('PUT', '/api/me/notification-preferences', { preferences: patch }),
  vapidKey: () => api.get<{ publicKey: string }>('/api/push/vapid-public-key'),
  subscribe: (sub: PushSubscriptionJSON) => api.post<{ id: string }>('/api/me/push-subscriptions', sub),
  unsubscribe: (endpoint: string) => request<void>('DELETE', '/api/me/push-subscriptions', { endpoint }),
};
