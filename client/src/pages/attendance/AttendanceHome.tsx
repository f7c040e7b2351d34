// /attendance — where each role starts: students see their own record; teachers and
// mentors the sessions they held and their courses; admins the overview.
import { useStore } from '../../store.js';
import { authStore } from '../../auth.js';
import { Link } from '../../components/Link.js';
import { getHostReport } from './attendanceApi.js';
import { dateIn, percent } from './format.js';
import { CourseLinks, OverviewPage } from './OverviewPage.js';
import { Ready, Stats, useLoad } from './parts.js';
import { StudentReport } from './StudentReportPage.js';

export function AttendanceHome() {
  const { user } = useStore(authStore);
  if (!user) return null;
  switch (user.role) {
    case 'student':
      return <StudentReport id="me" />;
    case 'admin':
      return <OverviewPage />;
    case 'teacher':
    case 'mentor':
      return <HostHome userId={user.id} />;
  }
}

function HostHome({ userId }: { userId: string }) {
  const [report] = useLoad(() => getHostReport(userId), [userId]);
  return (
    <div class="att-page">
      <div class="att-head">
        <h1>Attendance</h1>
      </div>
      <Ready value={report}>
        {(h) => (
          <>
            <Stats
              label="Sessions you held"
              items={[
                { label: 'Sessions held', value: h.totals.sessionsHeld, hint: 'as host or co-host, started and not cancelled' },
                { label: 'Average attendance', value: percent(h.totals.averageRate), hint: 'invited people who came, averaged over the sessions' },
                { label: 'Came per session', value: h.totals.averageAttended ?? '—', hint: 'invited people and guests who came, on average' },
                { label: 'Minutes taught', value: h.totals.minutesHeld, hint: 'from start to end of each session' },
              ]}
            />
            <section class="card" aria-labelledby="held-title">
              <h2 id="held-title">Sessions you held</h2>
              {h.sessions.length === 0 ? (
                <p class="muted">No sessions held yet.</p>
              ) : (
                <ul class="link-list">
                  {[...h.sessions].reverse().map((s) => (
                    <li key={s.sessionId}>
                      <Link href={`/sessions/${s.sessionId}/attendance`}>
                        {dateIn(s.at, s.timezone)} · {s.title}
                      </Link>
                      <span class="muted">
                        {s.attended} of {s.expected} invited came{s.unexpected > 0 ? ` + ${s.unexpected} ${s.unexpected === 1 ? 'guest' : 'guests'}` : ''} · {percent(s.rate)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </Ready>
      <CourseLinks />
    </div>
  );
}
