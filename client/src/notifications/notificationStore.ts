// The signed-in user's notification center: the latest notifications and the unread
// count, loaded over REST and kept live over the /user socket (no reload needed).
import { liveSnapshot, Store } from '../store.js';
import { userSocket } from '../userSocket.js';
import type { AppNotification } from '@lectern/server/contract/notifications';
import { notificationsApi } from './notificationsApi.js';

export interface CenterState {
  items: AppNotification[];
  unread: number;
  loaded: boolean;
  connected: boolean;
  /** The newest urgent alert that arrived live (shown as a banner until dismissed). */
  alert: AppNotification | null;
}

const EMPTY: CenterState = { items: [], unread: 0, loaded: false, connected: false, alert: null };
export const centerStore = new Store<CenterState>(EMPTY);

const PAGE = 30;

/** The list and the count from the API, not applied over a live change that raced it. */
const snapshot = liveSnapshot(
  () => Promise.all([notificationsApi.list({ limit: PAGE }), notificationsApi.unreadCount()]),
  ([items, { count }]) => centerStore.update((s) => ({ ...s, items, unread: count, loaded: true })),
);
const load = (): Promise<void> => snapshot.load();

function received(n: { id: string; type: string; title: string; body: string; urgent: boolean; createdAt: string; link?: string }): void {
  // The live feed carries no event data; the list from the API does.
  const item: AppNotification = { ...n, link: n.link ?? null, data: {}, read: false, readAt: null };
  snapshot.changed();
  // Other views (dashboards) may refresh on it, e.g. when a session went live.
  window.dispatchEvent(new CustomEvent('lectern:notification', { detail: item }));
  centerStore.update((s) =>
    s.items.some((x) => x.id === item.id)
      ? s
      : { ...s, items: [item, ...s.items].slice(0, 100), unread: s.unread + 1, alert: item.urgent ? item : s.alert },
  );
}

/** Notifications the server took back (e.g. "Live now" after the session ended). */
function withdrawn(m: { ids: string[] }): void {
  const gone = new Set(m.ids);
  snapshot.changed();
  centerStore.update((s) => {
    const removedUnread = s.items.filter((x) => gone.has(x.id) && !x.read).length;
    return {
      ...s,
      items: s.items.filter((x) => !gone.has(x.id)),
      unread: Math.max(0, s.unread - removedUnread),
      alert: s.alert && gone.has(s.alert.id) ? null : s.alert,
    };
  });
  // Dashboards refresh their "Live now" lists on it.
  window.dispatchEvent(new CustomEvent('lectern:notification', { detail: null }));
}

const link = userSocket('/user', {
  reset: () => centerStore.set(EMPTY),
  listen: (socket) => {
    socket.on('connect', () => {
      centerStore.update((s) => ({ ...s, connected: true }));
      // Catch up on anything that arrived while disconnected.
      void load().catch(() => undefined);
    });
    socket.on('disconnect', () => centerStore.update((s) => ({ ...s, connected: false })));
    socket.on('notification', received);
    socket.on('notificationWithdrawn', withdrawn);
  },
});

/** Follows sign-in and sign-out: connects for the signed-in user. Idempotent. */
export const startNotificationCenter = (): void => link.start();

/** Loads the list when it never arrived (the panel opened before the socket's first load, or that load failed). */
export function ensureLoaded(): void {
  if (link.userId && !centerStore.get().loaded) void load().catch(() => undefined);
}

export async function markRead(id: string): Promise<void> {
  const was = centerStore.get().items.find((n) => n.id === id);
  if (!was || was.read) return;
  centerStore.update((s) => ({ ...s, items: s.items.map((n) => (n.id === id ? { ...n, read: true } : n)), unread: Math.max(0, s.unread - 1) }));
  await notificationsApi.markRead(id);
}

export async function markAllRead(): Promise<void> {
  centerStore.update((s) => ({ ...s, items: s.items.map((n) => ({ ...n, read: true })), unread: 0 }));
  await notificationsApi.markAllRead();
}

export function dismissAlert(): void {
  centerStore.update((s) => ({ ...s, alert: null }));
}

export async function loadMore(): Promise<void> {
  const last = centerStore.get().items.at(-1);
  if (!last) return;
  const more = await notificationsApi.list({ limit: PAGE, before: last.id });
  centerStore.update((s) => ({ ...s, items: [...s.items, ...more.filter((m) => !s.items.some((x) => x.id === m.id))] }));
}
