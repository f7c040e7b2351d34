// Schedule a one-off session or a recurring series, with invitees picked from the caller's courses.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { HTTP_URL_PATTERN } from '../../safeUrl.js';
import { WhenFields } from '../../components/WhenFields.js';
import { SelectField, zoneOptions } from '../../components/SelectField.js';
import { navigate } from '../../router.js';
import { useStore } from '../../store.js';
import { browserTimeZone, timeZones, wallTimeNow, wallTimeToIso } from '../../time.js';
import type { User } from '../../types.js';
import { buildRRule, describeRRule, type RecurrenceOptions } from './recurrenceRule.js';
import { RecurrenceFields } from './RecurrenceFields.js';
import { schedule, type Course, type CreateBody, type SessionMode, type SessionType } from './scheduleApi.js';
import { AboutFields } from './AboutFields.js';
import { StudentPicker } from './StudentPicker.js';
import { WebinarField } from './WebinarField.js';
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
  const [webinarMode, setWebinarMode] = useState(false);
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
        webinarMode,
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
        <AboutFields idPrefix="f" title={title} onTitle={setTitle} description={description} onDescription={setDescription} />
        <div class="field-row">
          <SelectField id="f-type" label="Type" value={type} onValue={setType} options={TYPES} />
          <SelectField id="f-mode" label="Mode" value={mode} onValue={setMode} options={MODES} />
        </div>
        <div class="field-row">
          <WhenFields idPrefix="f" when={when} onWhen={setWhen} duration={duration} onDuration={setDuration} timezone={timezone} />
          <SelectField id="f-tz" label="Time zone" value={timezone} onValue={setTimezone} options={zoneOptions(timeZones(), true)} />
        </div>
        <RecurrenceFields value={rec} onChange={setRec} />
        {rulePreview && <p class="muted small" aria-live="polite">{rulePreview}</p>}
        <div class="field-row">
          <SelectField id="f-course" label="Course (optional)" value={courseId} onValue={setCourseId} blank="No course" options={courses.map((c) => [c.id, c.title] as const)} />
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
            <input id="f-meeting" type="url" pattern={HTTP_URL_PATTERN} title="A link starting with http:// or https://" value={meetingUrl} onInput={(e) => setMeetingUrl(e.currentTarget.value)} />
          </div>
        )}
        {user?.role === 'admin' && (
          <SelectField id="f-host" label="Host (mentor assignment)" value={hostId} onValue={setHostId} blank="Me" options={staff.map((u) => [u.id, `${u.name} (${u.role})`] as const)} />
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
        <WebinarField id="f-webinar" checked={webinarMode} onChange={setWebinarMode} />
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
