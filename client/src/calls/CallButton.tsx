// The "Call" button of a conversation header: starts the call (or joins the live one) and
// enters its room. Shown to staff, and to a student in a direct chat with a teacher.
import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { authStore } from '../auth.js';
import { useStore } from '../store.js';
import { callsApi, enterCall } from './api.js';
import { mayCall, type ConvLike } from './mayCall.js';

export function CallButton({ conv }: { conv: ConvLike }) {
  const { user } = useStore(authStore);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!mayCall(user?.role, user?.id, conv)) return null;
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      enterCall(await callsApi.start(conv.id));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not start the call.');
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="btn btn-primary btn-small call-start" disabled={busy} onClick={() => void start()}>
        {busy ? 'Calling…' : 'Call'}
      </button>
      {error && (
        <span class="error small" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
