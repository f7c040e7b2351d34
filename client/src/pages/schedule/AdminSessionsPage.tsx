// Admin: every session, filtered by host, course, status and date range.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { authStore } from '../../auth.js';
import { Alert } from '../../components/Alert.js';
import { linkClick } from '../../router.js';
import { useStore } from '../../store.js';
import type { User } from '../../types.js';
import { schedule, type Course, type FullSession } from './scheduleApi.js';
import { StatusBadge, When } from './SessionRow.js';
import './schedule.css';

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
        <label>
          Host
          <select value={hostId} onChange={(e) => setHostId(e.currentTarget.value)}>
            <option value="">Any</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name} ({h.role})
              </option>
            ))}
          </select>
        </label>
        <label>
          Course
          <select value={courseId} onChange={(e) => setCourseId(e.currentTarget.value)}>
            <option value="">Any</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="scheduled">Scheduled</option>
            <option value="live">Live</option>
            <option value="completed">Completed</option>
            <option value="cancelled">Cancelled</option>
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
      </form>
      {error && <Alert tone="error">{error}</Alert>}
      <div class="card table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">When</th>
              <th scope="col">Host</th>
              <th scope="col">Course</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
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
