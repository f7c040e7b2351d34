// A call entry in a chat: "Call started by Tess — Join", "Missed call", "Declined by Sam",
// and the summary "Call ended · 12 min · 3 people" with a link to the attendance report.
import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { callsApi, enterCall } from './api.js';
import { PhoneIcon } from './PhoneIcon.js';

interface CallMsg {
  text: string;
  meta: Record<string, unknown>;
  createdAt: string;
}

export function CallMessage({ m, time }: { m: CallMsg; time: string }) {
  const [error, setError] = useState<string | null>(null);
  const callId = typeof m.meta.callId === 'string' ? m.meta.callId : null;
  const outcome = typeof m.meta.outcome === 'string' ? m.meta.outcome : null;
  const link = typeof m.meta.link === 'string' ? m.meta.link : null;
  const open = !outcome && m.meta.status !== 'ended';
  const join = async () => {
    if (!callId) return;
    try {
      enterCall(await callsApi.accept(callId));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? 'This call has ended.' : 'Could not join the call.');
    }
  };
  return (
    <span class={`call-msg call-${outcome ?? 'started'}`}>
      <PhoneIcon missed={outcome === 'missed'} />{' '}
      <span>{m.text}</span>
      {open && callId && (
        <>
          {' — '}
          <button type="button" class="link-btn" onClick={() => void join()}>
            Join
          </button>
        </>
      )}
      {link && (
        <>
          {' · '}
          <a href={link}>Attendance</a>
        </>
      )}{' '}
      <span class="muted small">{time}</span>
      {error && <span class="error small"> {error}</span>}
    </span>
  );
}
