// Schedule a one-off session or a recurring series, with invitees picked from the caller's courses.
import { PastStartWarning } from '../../components/PastStartWarning.js';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { navigate } from '../../router.js';
import { useStore } from '../../store.js';
import { browserTimeZone, timeZones, wallTimeNow, wallTimeToIso } from '../../time.js';
import type { User } from '../../types.js';
import { buildRRule, describeRRule, type RecurrenceOptions } from './recurrenceRule.js';
import { RecurrenceFields } from './RecurrenceFields.js';
import { schedule, type Course, type CreateBody, type SessionMode, type SessionType } from './scheduleApi.js';
import { StudentPicker } from './StudentPicker.js';
import './schedule.css';

const TYPES: [SessionType, string][] = [
  ['class', 'Class'],
  ['webinar', 'Webinar'],
  ['workshop', 'Workshop'],
  ['office_hours', 'Office hours'],
  ['one_on_one', 'One-on-one'],
  ['group_meeting', 'Group meeting'],
];
const MODES: [SessionMode, string][] = [
  ['video', 'Video'],
  ['audio', 'Audio only'],
  ['in_person', 'In person'],
  ['hybrid', 'Hybrid'],
];

export function ScheduleSessionPage() {
  const { user } = useStore(authStore);
  const zone = user?.timezone && user.timezone !== 'UTC' ? user.timezone : browserTimeZone();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<SessionType>('class');
  const [mode, setMode] = useState<SessionMode>('video');
  const [when, setWhen] = useState(() => wallTimeNow(zone, 60, Date.now() + 86_400_000));
  const [duration, setDuration] = useState(60);
  const [timezone, setTimezone] = useState(zone);
  const [guestAccess, setGuestAccess] = useState<'lobby' | 'open'>('lobby');
  const [courseId, setCourseId] = useState('');
  const [limit, setLimit] = useState('');
  const [meetingUrl, setMeetingUrl] = useState('');
  const [price, setPrice] = useState('');
  const [hostId, setHostId] = useState('');
  const [invitees, setInvitees] = useState<string[]>([]);
  const [courses, setCourses] = useState<Course[]>([]);
  const [staff, setStaff] = useState<User[]>([]);
  const [rec, setRec] = useState<RecurrenceOptions>({ repeat: 'none', weekdays: [], monthDay: 1, nth: 1, nthWeekday: 'MO', end: 'count', count: 10, until: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    schedule.courses().then(setCourses, () => setCourses([]));
    if (user?.role === 'admin') schedule.users().then((us) => setStaff(us.filter((u) => u.role === 'mentor' || u.role === 'teacher')), () => setStaff([]));
  }, [user?.role]);

  let rulePreview = '';
  try {
    const r = buildRRule(rec);
    rulePreview = r ? describeRRule(r) : '';
  } catch (err) {
    rulePreview = errorMessage(err);
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: CreateBody = {
        title: title.trim(),
        description,
        type,
        mode,
        scheduledAt: wallTimeToIso(when, timezone),
        durationMinutes: duration,
        timezone,
        guestAccess,
        invitees,
      };
      const recurrence = buildRRule(rec);
      if (recurrence) body.recurrence = recurrence;
      if (courseId) body.courseId = courseId;
      if (limit) body.participantLimit = Number(limit);
      if (meetingUrl && (mode === 'in_person' || mode === 'hybrid')) body.meetingUrl = meetingUrl;
      if (price) body.priceCents = Math.round(Number(price) * 100);
      const created = await schedule.create(hostId ? { ...body, hostId } : body);
      navigate(`/sessions/${created.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <>
      <div class="page-head">
        <h1>Schedule a session</h1>
        <p class="muted">One-off or recurring. Times are kept in the session's time zone, across daylight-saving changes.</p>
      </div>
      <form class="card stack schedule-form" onSubmit={submit} aria-label="Schedule a session">
        <div class="field">
          <label for="f-title">Title</label>
          <input id="f-title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="f-desc">Description</label>
          <textarea id="f-desc" rows={3} maxLength={10000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="f-type">Type</label>
            <select id="f-type" value={type} onChange={(e) => setType(e.currentTarget.value as SessionType)}>
              {TYPES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-mode">Mode</label>
            <select id="f-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as SessionMode)}>
              {MODES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="field-row">
          <div class="field field-when">
            <label for="f-when">Date and start time</label>
            <input id="f-when" type="datetime-local" required value={when} onInput={(e) => setWhen(e.currentTarget.value)} />
          <PastStartWarning id="f-when-past" when={when} timezone={timezone} />
          </div>
          <div class="field field-narrow">
            <label for="f-duration">Duration (minutes)</label>
            <input id="f-duration" type="number" min={5} max={1440} step={5} required value={duration} onInput={(e) => setDuration(Number(e.currentTarget.value))} />
          </div>
          <div class="field">
            <label for="f-tz">Time zone</label>
            <select id="f-tz" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)}>
              {timeZones().map((z) => (
                <option key={z} value={z}>
                  {z.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          </div>
        </div>
        <RecurrenceFields value={rec} onChange={setRec} />
        {rulePreview && <p class="muted small" aria-live="polite">{rulePreview}</p>}
        <div class="field-row">
          <div class="field">
            <label for="f-course">Course (optional)</label>
            <select id="f-course" value={courseId} onChange={(e) => setCourseId(e.currentTarget.value)}>
              <option value="">No course</option>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
          <div class="field field-narrow">
            <label for="f-limit">Participant limit</label>
            <input id="f-limit" type="number" min={2} max={1000} value={limit} placeholder="none" onInput={(e) => setLimit(e.currentTarget.value)} />
          </div>
          <div class="field field-narrow">
            <label for="f-price">Price (blank = free)</label>
            <input id="f-price" type="number" min={0} step="0.01" value={price} placeholder="free" onInput={(e) => setPrice(e.currentTarget.value)} />
          </div>
        </div>
        {(mode === 'in_person' || mode === 'hybrid') && (
          <div class="field">
            <label for="f-meeting">External meeting link or location URL</label>
            <input id="f-meeting" type="url" value={meetingUrl} onInput={(e) => setMeetingUrl(e.currentTarget.value)} />
          </div>
        )}
        {user?.role === 'admin' && (
          <div class="field">
            <label for="f-host">Host (mentor assignment)</label>
            <select id="f-host" value={hostId} onChange={(e) => setHostId(e.currentTarget.value)}>
              <option value="">Me</option>
              {staff.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.role})
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset class="field">
          <legend>Guest access</legend>
          <label class="radio">
            <input type="radio" name="f-guest" checked={guestAccess === 'lobby'} onChange={() => setGuestAccess('lobby')} />
            Lobby — I let guests in
          </label>
          <label class="radio">
            <input type="radio" name="f-guest" checked={guestAccess === 'open'} onChange={() => setGuestAccess('open')} />
            Open — guests with a code enter directly
          </label>
        </fieldset>
        <StudentPicker selected={invitees} onChange={setInvitees} />
        {error && <Alert tone="error">{error}</Alert>}
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Scheduling…' : 'Schedule'}
          </button>
        </div>
      </form>
    </>
  );
}
