// Settings > Notifications: which events reach which channel, and Web Push on this device.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import type { NotificationChannel, NotificationEventType, NotificationPreferences } from '@lectern/server/contract/notifications';
import { notificationsApi } from './notificationsApi.js';
import { currentSubscription, pushSupported, subscribeThisDevice, unsubscribeThisDevice } from './push.js';
import './notifications.css';

const EVENT_LABEL: Record<string, string> = {
  'session.scheduled': 'A session is scheduled for me',
  'session.rescheduled': 'A session is moved',
  'session.cancelled': 'A session is cancelled',
  'session.reminder': 'Reminder before a session starts',
  'session.live': 'A session goes live',
  'session.waiting': 'Someone waits for my session to start',
  'chat.added': 'I am added to a group chat',
  'chat.message': 'New chat message',
  'call.ringing': 'Someone is calling me',
  'booking.confirmed': 'A meeting is booked with me',
  'booking.cancelled': 'A booked meeting is cancelled',
  'call.missed': 'I missed a call',
};
const CHANNEL_LABEL: Record<NotificationChannel, string> = { in_app: 'In app', email: 'Email', push: 'Push' };

function PushDevice() {
  const [state, setState] = useState<'unknown' | 'on' | 'off' | 'unsupported'>('unknown');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!pushSupported()) return setState('unsupported');
    void currentSubscription().then((s) => setState(s ? 'on' : 'off'));
  }, []);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (state === 'on') await unsubscribeThisDevice();
      else await subscribeThisDevice();
      setState(state === 'on' ? 'off' : 'on');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card">
      <h2>Push on this device</h2>
      {state === 'unsupported' ? (
        <p class="muted">This browser cannot receive push notifications.</p>
      ) : (
        <>
          <p class="muted">{state === 'on' ? 'This device receives push notifications.' : 'This device does not receive push notifications.'}</p>
          <button type="button" class={state === 'on' ? 'btn btn-secondary' : 'btn btn-primary'} disabled={busy || state === 'unknown'} onClick={() => void toggle()}>
            {state === 'on' ? 'Turn off push on this device' : 'Turn on push on this device'}
          </button>
        </>
      )}
      {error && <p class="alert alert-error">{error}</p>}
    </section>
  );
}

export function NotificationSettingsPage() {
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    notificationsApi.preferences().then(setPrefs, (err: unknown) => setError(errorMessage(err)));
  }, []);
  const flip = async (eventType: NotificationEventType, channel: NotificationChannel, enabled: boolean) => {
    setError(null);
    try {
      setPrefs(await notificationsApi.savePreferences({ [eventType]: { [channel]: enabled } }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div class="stack">
      <div class="page-head">
        <h1>Notifications</h1>
        <p class="muted">Choose how Lectern tells you what happens.</p>
      </div>
      {error && <p class="alert alert-error">{error}</p>}
      <section class="card">
        <h2>What reaches you where</h2>
        {!prefs ? (
          <p class="muted">Loading…</p>
        ) : (
          <table class="prefs-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                {prefs.channels.map((c) => (
                  <th scope="col" key={c}>
                    {CHANNEL_LABEL[c]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {prefs.eventTypes.map((t) => (
                <tr key={t}>
                  <th scope="row">{EVENT_LABEL[t] ?? t}</th>
                  {prefs.channels.map((c) => (
                    <td class="prefs-cell" key={c}>
                      <input
                        type="checkbox"
                        aria-label={`${EVENT_LABEL[t] ?? t}: ${CHANNEL_LABEL[c]}`}
                        checked={prefs.preferences[t]?.[c] ?? true}
                        onChange={(e) => void flip(t, c, (e.target as HTMLInputElement).checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <PushDevice />
    </div>
  );
}
