import { useMemo, useState } from 'preact/hooks';
import { createSession } from '../sessions.js';
import { browserTimeZone, formatWhen, timeZones, wallTimeNow } from '../time.js';
import type { GuestAccess, Session } from '../types.js';
import { Field } from './Field.js';
import { SubmitRow, titleAndStart, useSubmit } from './forms.js';
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
  const { busy, notice, run, fail, clear } = useSubmit();

  const onSubmit = (e: Event) => {
    e.preventDefault();
    clear();
    const checked = titleAndStart(title, when, timezone);
    if ('error' in checked) return fail(checked.error);
    const { scheduledAt } = checked;
    if (!Number.isInteger(duration) || duration < 5 || duration > 24 * 60) return fail('Duration must be between 5 and 1440 minutes.');
    void run(async () => {
      const session = await createSession({ title: checked.title, scheduledAt, durationMinutes: duration, timezone, guestAccess });
      onCreated(session);
      setTitle('');
      return `Scheduled “${session.title}” for ${formatWhen(session.scheduledAt, session.timezone)}.`;
    }, 'Could not schedule the session');
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
      <SubmitRow notice={notice} busy={busy} label="Schedule session" busyLabel="Scheduling…" />
    </form>
  );
}
