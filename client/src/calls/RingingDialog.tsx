// Mounted once in the app shell: the dialog of a ringing call (caller, conversation,
// Accept, Decline, ring tone unless muted, flashing title) and the caller's notices.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { centerStore, dismissAlert } from '../notifications/notificationStore.js';
import { useStore } from '../store.js';
import { callsApi, enterCall } from './api.js';
import { callStore, dismissNotice, forget, startCalls } from './callStore.js';
import { PhoneIcon } from './PhoneIcon.js';
import { flashTitle, isRingMuted, ring, setRingMuted } from './ringtone.js';
import './calls.css';

export function CallLayer() {
  useEffect(() => startCalls(), []);
  const { ringing, notice } = useStore(callStore);
  const { alert } = useStore(centerStore);
  const current = ringing[0];
  // The ringing dialog stands in for the notification center's banner of a call.
  useEffect(() => {
    if (alert?.type === 'call.ringing') dismissAlert();
  }, [alert?.id]);
  return (
    <>
      {current && <RingingDialog key={current.callId} call={current} />}
      {notice && (
        <div class="call-notice" role="status">
          <span>{notice}</span>
          <button type="button" class="btn btn-ghost btn-small" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}

function RingingDialog({ call }: { call: NonNullable<ReturnType<typeof callStore.get>['ringing'][number]> }) {
  const [muted, setMuted] = useState(isRingMuted());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => (muted ? undefined : ring()), [muted]);
  useEffect(() => flashTitle(`☎ ${call.callerName} is calling`), [call.callId]);
  // Stop ringing locally at the deadline even if the server's word is late.
  useEffect(() => {
    const ms = new Date(call.ringsUntil).getTime() - Date.now();
    const timer = setTimeout(() => forget(call.callId), Math.max(0, ms) + 3000);
    return () => clearTimeout(timer);
  }, [call.callId]);

  const accept = async () => {
    setBusy(true);
    try {
      const join = await callsApi.accept(call.callId);
      forget(call.callId);
      enterCall(join);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? 'This call has ended.' : 'Could not join the call.');
      setBusy(false);
    }
  };
  const decline = async () => {
    setBusy(true);
    forget(call.callId);
    await callsApi.decline(call.callId).catch(() => undefined);
  };
  const toggleMute = () => {
    setRingMuted(!muted);
    setMuted(!muted);
  };
  const where = call.conversationKind === 'direct' ? 'Direct call' : call.conversationTitle;
  return (
    <div class="call-ring" role="alertdialog" aria-modal="false" aria-labelledby="call-ring-title" aria-describedby="call-ring-where">
      <div class="call-ring-pulse" aria-hidden="true">
        <PhoneIcon size={28} />
      </div>
      <div class="call-ring-text">
        <h2 id="call-ring-title">{call.callerName} is calling</h2>
        <p id="call-ring-where" class="muted">
          {where}
        </p>
        {error && <p class="error small">{error}</p>}
      </div>
      <div class="call-ring-actions">
        <button type="button" class="btn btn-danger" disabled={busy} onClick={() => void decline()}>
          Decline
        </button>
        <button type="button" class="btn btn-primary call-accept" disabled={busy} onClick={() => void accept()}>
          Accept
        </button>
        <button type="button" class="btn btn-ghost btn-small" aria-pressed={muted} onClick={toggleMute} title="Ring tone on or off">
          {muted ? 'Unmute ring' : 'Mute ring'}
        </button>
      </div>
    </div>
  );
}
