// Admin: every session, filtered by host, course, status and date range.
import { useEffect, useState } from 'preact/hooks';
import { TableHead } from '../../components/TableHead.js';
import { errorMessage } from '../../api.js';
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { DateRangeFields } from '../../components/DateRangeFields.js';
import { Options } from '../../components/SelectField.js';
import { linkClick } from '../../router.js';
import { useStore } from '../../store.js';
import type { User } from '../../types.js';
import { schedule, type Course, type FullSession } from './scheduleApi.js';
import { StatusBadge, When } from './SessionRow.js';
import './schedule.css';

const STATUSES: [string, string][] = [
  ['scheduled', 'Scheduled'],
  ['live', 'Live'],
  ['completed', 'Completed'],
  ['cancelled', 'Cancelled'],
];

/** A filter: a select in its label, "Any" first. */
function AnySelect({ label, value, onValue, options }: { label: string; value: string; onValue: (v: string) => void; options: [string, string][] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onValue(e.currentTarget.value)}>
        <Options options={options} blank="Any" />
      </select>
    </label>
  );
}

export function AdminSessionsPage() {
  const { user } = useStore(authStore);
  const [hosts, setHosts] = useState<User[]>([]);
  const [courses, setCourses] = useState<Course[]>([]);
  const [hostId, setHostId] = useState('');
  const [courseId, setCourseId] = useState('');
  const [status, setStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<FullSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    schedule.users().then((us) => setHosts(us.filter((u) => u.role !== 'student')), () => setHosts([]));
    schedule.courses().then(setCourses, () => setCourses([]));
  }, []);
  useEffect(() => {
    setRows(null);
    schedule
      .list({
        hostId: hostId || undefined,
        courseId: courseId || undefined,
        status: status || undefined,
        from: from ? new Date(`${from}T00:00:00`).toISOString() : undefined,
        to: to ? new Date(`${to}T23:59:59`).toISOString() : undefined,
        limit: '500',
      })
      .then(
        (r) => {
          setRows(r);
          setError(null);
        },
        (err: unknown) => setError(errorMessage(err)),
      );
  }, [hostId, courseId, status, from, to]);
  if (!user) return null;
  const courseName = new Map(courses.map((c) => [c.id, c.title]));

  return (
    <>
      <div class="page-head">
        <h1>All sessions</h1>
        <p class="muted">Every scheduled, live, past and cancelled session. Times in your zone.</p>
      </div>
      <form class="card filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <AnySelect label="Host" value={hostId} onValue={setHostId} options={hosts.map((h) => [h.id, `${h.name} (${h.role})`])} />
        <AnySelect label="Course" value={courseId} onValue={setCourseId} options={courses.map((c) => [c.id, c.title])} />
        <AnySelect label="Status" value={status} onValue={setStatus} options={STATUSES} />
        <DateRangeFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
      </form>
      {error && <Alert tone="error">{error}</Alert>}
      <div class="card table-wrap">
        <table class="table">
          <TableHead cols={['Session', 'When', 'Host', 'Course', 'Status']} />
          <tbody>
            {rows?.map((s) => (
              <tr key={s.id}>
                <td>
                  <a href={`/sessions/${s.id}`} onClick={(e) => linkClick(e, `/sessions/${s.id}`)}>
                    {s.title}
                  </a>
                </td>
                <td>
                  <When s={s} />
                </td>
                <td>{s.hostName}</td>
                <td>{s.courseId ? (courseName.get(s.courseId) ?? '—') : '—'}</td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows === null && !error && <p class="muted">Loading…</p>}
        {rows?.length === 0 && <p class="muted">No sessions match.</p>}
      </div>
    </>
  );
}
