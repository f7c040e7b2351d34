import { useMemo, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { createSession } from '../sessions.js';
import { browserTimeZone, formatWhen, timeZones, wallTimeNow, wallTimeToIso } from '../time.js';
import type { GuestAccess, Session } from '../types.js';
import { Alert } from './Alert.js';
import { Field } from './Field.js';
import { WhenFields } from './WhenFields.js';
import { SelectField, zoneOptions } from './SelectField.js';

interface ScheduleFormProps {
  onCreated: (session: Session) => void;
}

/** "Schedule a session": title, wall-clock start in a time zone, duration, guest access. */
export function ScheduleForm({ onCreated }: ScheduleFormProps) {
  const zones = useMemo(() => zoneOptions(timeZones(), true), []);
  const [title, setTitle] = useState('');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [when, setWhen] = useState(() => wallTimeNow(browserTimeZone(), 60));
  const [duration, setDuration] = useState(60);
  const [guestAccess, setGuestAccess] = useState<GuestAccess>('lobby');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!title.trim()) {
      setError('Give the session a title.');
      return;
    }
    let scheduledAt: string;
    try {
      scheduledAt = wallTimeToIso(when, timezone);
    } catch {
      setError('Choose a date and start time.');
      return;
    }
    if (!Number.isInteger(duration) || duration < 5 || duration > 24 * 60) {
      setError('Duration must be between 5 and 1440 minutes.');
      return;
    }
    setBusy(true);
    try {
      const session = await createSession({ title: title.trim(), scheduledAt, durationMinutes: duration, timezone, guestAccess });
      onCreated(session);
      setDone(`Scheduled “${session.title}” for ${formatWhen(session.scheduledAt, session.timezone)}.`);
      setTitle('');
    } catch (err) {
      setError(`Could not schedule the session: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card stack" onSubmit={onSubmit} noValidate aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedule a session</h2>
      <Field id="s-title" label="Title" required maxLength={200} value={title} onValue={setTitle} />
      <div class="field-row">
        <WhenFields idPrefix="s" when={when} onWhen={setWhen} duration={duration} onDuration={setDuration} timezone={timezone} />
      </div>
      <SelectField id="s-tz" label="Time zone" value={timezone} onValue={setTimezone} options={zones} />
      <fieldset class="field">
        <legend>Guest access</legend>
        <label class="radio">
          <input
            type="radio"
            name="guestAccess"
            value="lobby"
            checked={guestAccess === 'lobby'}
            onChange={() => setGuestAccess('lobby')}
          />
          Lobby — I let guests in
        </label>
        <label class="radio">
          <input type="radio" name="guestAccess" value="open" checked={guestAccess === 'open'} onChange={() => setGuestAccess('open')} />
          Open — guests with a code enter directly
        </label>
      </fieldset>
      {error && <Alert tone="error">{error}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      <div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Scheduling…' : 'Schedule session'}
        </button>
      </div>
    </form>
  );
}
