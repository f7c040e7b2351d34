import { useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { enterRoom } from '../enterRoom.js';
import { createSession, startSession } from '../sessions.js';
import { browserTimeZone, formatTime } from '../time.js';
import type { User } from '../types.js';
import { Alert } from './Alert.js';

/** Creates a session starting now, starts it and opens its room. */
export function InstantSessionButton({ user }: { user: User }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      const now = new Date().toISOString();
      const session = await createSession({
        title: `Instant session ${formatTime(now)}`,
        scheduledAt: now,
        durationMinutes: 60,
        timezone: user.timezone || browserTimeZone(),
        guestAccess: 'lobby',
      });
      await startSession(session.id);
      await enterRoom(session.id, user.name);
    } catch (err) {
      setError(`Could not start an instant session: ${errorMessage(err)}`);
      setBusy(false);
    }
  };

  return (
    <div class="instant">
      <button type="button" class="btn btn-primary btn-large" onClick={onClick} disabled={busy}>
        {busy ? 'Starting…' : 'Start instant session'}
      </button>
      {error && <Alert tone="error">{error}</Alert>}
    </div>
  );
}
