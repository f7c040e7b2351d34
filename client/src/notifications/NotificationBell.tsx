// The bell in the header: unread count, and the notification center panel (list, mark one
// or all read). Urgent alerts (session live, call ringing) are styled urgent and also
// flash a banner when they arrive.
import { useEffect, useRef, useState } from 'preact/hooks';
import { navigate } from '../router.js';
import { useStore } from '../store.js';
import type { AppNotification } from '@lectern/server/contract/notifications';
import { centerStore, dismissAlert, ensureLoaded, loadMore, markAllRead, markRead, startNotificationCenter } from './notificationStore.js';
import './notifications.css';

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function Item({ n, onOpen }: { n: AppNotification; onOpen: (n: AppNotification) => void }) {
  return (
    <li class={`notif-item${n.urgent ? ' is-urgent' : ''}${n.read ? '' : ' is-unread'}`} data-type={n.type}>
      <button type="button" class="notif-open" onClick={() => onOpen(n)}>
        {n.urgent && <span class="badge badge-live">Now</span>}
        <span class="notif-title">{n.title}</span>
        <span class="notif-body">{n.body}</span>
        <span class="notif-time small muted">{ago(n.createdAt)}</span>
      </button>
      {!n.read && (
        <button type="button" class="btn btn-ghost btn-small notif-mark" aria-label={`Mark read: ${n.title}`} onClick={() => void markRead(n.id)}>
          Mark read
        </button>
      )}
    </li>
  );
}

export function NotificationBell() {
  const state = useStore(centerStore);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => startNotificationCenter(), []);
  useEffect(() => {
    if (!open) return;
    // The panel never stays on "Loading…": it asks for the list itself if the socket's load has not arrived.
    ensureLoaded();
    const close = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('click', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);

  const openItem = (n: AppNotification) => {
    void markRead(n.id);
    setOpen(false);
    if (n.link) navigate(n.link);
  };
  const label = state.unread > 0 ? `Notifications (${state.unread} unread)` : 'Notifications';

  return (
    <div class="notif" ref={root}>
      <button type="button" class="btn btn-ghost notif-bell" aria-label={label} aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
      </button>
      {/* Outside the button: its name is the label, the badge only shows the count. */}
      {state.unread > 0 && (
        <span class="notif-count" data-testid="unread-count" aria-hidden="true">
          {state.unread > 99 ? '99+' : state.unread}
        </span>
      )}
      {open && (
        <div class="notif-panel" role="dialog" aria-label="Notification center">
          <div class="notif-head">
            <strong>Notifications</strong>
            <span class="notif-actions">
              <button type="button" class="btn btn-ghost btn-small" disabled={state.unread === 0} onClick={() => void markAllRead()}>
                Mark all read
              </button>
              <a
                href="/settings/notifications"
                class="btn btn-ghost btn-small"
                onClick={(e) => {
                  e.preventDefault();
                  setOpen(false);
                  navigate('/settings/notifications');
                }}
              >
                Settings
              </a>
            </span>
          </div>
          {state.items.length === 0 ? (
            <p class="muted notif-empty">{state.loaded ? 'Nothing yet. Session news and reminders will show up here.' : 'Loading…'}</p>
          ) : (
            <ul class="notif-list" aria-live="polite">
              {state.items.map((n) => (
                <Item key={n.id} n={n} onOpen={openItem} />
              ))}
            </ul>
          )}
          {state.items.length >= 30 && (
            <button type="button" class="btn btn-ghost btn-small btn-block" onClick={() => void loadMore()}>
              Older notifications
            </button>
          )}
        </div>
      )}
      {state.alert && !open && (
        <div class="notif-alert" role="alert">
          <span class="badge badge-live">Now</span>
          <span class="notif-alert-text">
            <strong>{state.alert.title}</strong> {state.alert.body}
          </span>
          <button type="button" class="btn btn-primary btn-small" onClick={() => state.alert && openItem(state.alert)}>
            Open
          </button>
          <button type="button" class="btn btn-ghost btn-small" aria-label="Dismiss" onClick={dismissAlert}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
