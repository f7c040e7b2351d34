// Edit a scheduled session: title, description, start (date, time and time zone), duration
// and invitees; in a series for this session, this and the following ones, or all of them.
// A start in the past is allowed but warned about. Invitees hear about a new time.
import { useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { SelectField, zoneOptions } from '../../components/SelectField.js';
import { WhenFields } from '../../components/WhenFields.js';
import { timeZones, wallTimeNow } from '../../time.js';
import { titleAndStart } from '../../components/forms.js';
import { schedule, type FullSession, type Invitee, type Scope } from './scheduleApi.js';
import { AboutFields } from './AboutFields.js';
import { StudentPicker } from './StudentPicker.js';
import { WebinarField } from './WebinarField.js';

const SCOPES: [Scope, string][] = [
  ['one', 'This session only'],
  ['following', 'This and the following sessions'],
  ['all', 'All sessions of the series'],
];

export function EditSession({ session, invitees, onSaved, onClose }: { session: FullSession; invitees: Invitee[]; onSaved: (message: string) => void; onClose: () => void }) {
  const [title, setTitle] = useState(session.title);
  const [description, setDescription] = useState(session.description);
  // The start as the session's own wall-clock time (the value of a datetime-local input).
  const [when, setWhen] = useState(() => wallTimeNow(session.timezone, 1, Date.parse(session.scheduledAt)));
  const [timezone, setTimezone] = useState(session.timezone);
  const [duration, setDuration] = useState(session.durationMinutes);
  const [webinarMode, setWebinarMode] = useState(session.webinarMode);
  const [chosen, setChosen] = useState<string[]>(() => invitees.map((i) => i.id));
  const [scope, setScope] = useState<Scope>('one');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const current = new Set(invitees.map((i) => i.id));
  const added = chosen.filter((id) => !current.has(id));
  const removed = invitees.filter((i) => !chosen.includes(i.id));
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const checked = titleAndStart(title, when, timezone);
    if ('error' in checked) return setError(checked.error);
    const start = checked.scheduledAt;
    const patch: Record<string, unknown> = {};
    if (checked.title !== session.title) patch.title = checked.title;
    if (description !== session.description) patch.description = description;
    if (duration !== session.durationMinutes) patch.durationMinutes = duration;
    if (webinarMode !== session.webinarMode) patch.webinarMode = webinarMode;
    if (Date.parse(start) !== Date.parse(session.scheduledAt) || timezone !== session.timezone) Object.assign(patch, { scheduledAt: start, timezone });
    const edits = Object.keys(patch).length > 0;
    if (!edits && !added.length && !removed.length) return setError('Nothing has changed yet.');
    setBusy(true);
    try {
      // Invitees first: they do not move the session, so the scope still finds the same occurrences.
      if (added.length) await schedule.invite(session.id, added, scope);
      for (const r of removed) await schedule.uninvite(session.id, r.id, scope);
      let affected = 1;
      if (edits) affected = (await schedule.patch(session.id, scope, reason.trim() ? { ...patch, reason: reason.trim() } : patch)).affected;
      onSaved(affected > 1 ? `Saved: ${affected} sessions changed.` : 'Saved.');
    } catch (err) {
      setError(`Could not save: ${errorMessage(err)}`);
      setBusy(false);
    }
  };

  return (
    <form class="card stack" onSubmit={submit} noValidate aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit session</h2>
      <AboutFields idPrefix="e" title={title} onTitle={setTitle} description={description} onDescription={setDescription} />
      <div class="field-row">
        <WhenFields idPrefix="e" when={when} onWhen={setWhen} duration={duration} onDuration={setDuration} timezone={timezone} />
        <SelectField id="e-tz" label="Time zone" value={timezone} onValue={setTimezone} options={zoneOptions(timeZones(), true)} />
      </div>
      <WebinarField id="e-webinar" checked={webinarMode} onChange={setWebinarMode} />
      {session.seriesId && (
        <fieldset class="field">
          <legend>Apply the changes to</legend>
          {SCOPES.map(([value, label]) => (
            <label class="radio" key={value}>
              <input type="radio" name="e-scope" checked={scope === value} onChange={() => setScope(value)} />
              {label}
            </label>
          ))}
          {scope !== 'one' && <span class="muted small">A new date or time moves each of them by as many days as this one, to the new time of day.</span>}
        </fieldset>
      )}
      <fieldset class="field">
        <legend>Invited now</legend>
        {invitees.length === 0 ? (
          <p class="muted small">{session.courseId ? 'Everyone enrolled in the course is invited.' : 'Nobody is invited yet.'}</p>
        ) : (
          <ul class="plain-list invitee-edit">
            {invitees.map((i) => {
              const keep = chosen.includes(i.id);
              return (
                <li key={i.id} class={keep ? undefined : 'is-removed'}>
                  <span>
                    <span class="invitee-name">{i.name}</span> <span class="muted small">{keep ? i.email : 'will be uninvited'}</span>
                  </span>
                  <button type="button" class="btn btn-ghost btn-small" aria-label={keep ? `Uninvite ${i.name}` : `Keep ${i.name}`} onClick={() => toggle(i.id)}>
                    {keep ? 'Uninvite' : 'Keep'}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </fieldset>
      <StudentPicker selected={chosen} onChange={setChosen} legend="Invite students" />
      <Field id="e-reason" label="Reason (optional, shown to invitees with a new time)" maxLength={500} value={reason} onValue={setReason} />
      <p class="muted small" aria-live="polite">
        {added.length || removed.length ? `Invitees: ${added.length} to invite, ${removed.length} to uninvite.` : 'Invitees unchanged.'}
      </p>
      {error && <Alert tone="error">{error}</Alert>}
      <div class="inline-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" class="btn btn-secondary" onClick={onClose} disabled={busy}>
          Discard
        </button>
      </div>
    </form>
  );
}
