// /attendance — where each role starts: students see their own record; teachers and
// mentors the sessions they held and their courses; admins the overview.
import { useStore } from '../../store.js';
import { authStore } from '../../auth.js';
import { Link } from '../../components/Link.js';
import { getHostReport } from './attendanceApi.js';
import { dateIn, percent } from './format.js';
import { CourseLinks, OverviewPage } from './OverviewPage.js';
import { LoadState, Stats, useLoad } from './parts.js';
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
      {report.state !== 'ready' ? (
        <LoadState value={report} />
      ) : (
        <>
          <Stats
            label="Sessions you held"
            items={[
              { label: 'Sessions held', value: report.data.totals.sessionsHeld },
              { label: 'Average attendance', value: percent(report.data.totals.averageRate) },
              { label: 'Attended per session', value: report.data.totals.averageAttended ?? '—' },
              { label: 'Minutes taught', value: report.data.totals.minutesHeld },
            ]}
          />
          <section class="card" aria-labelledby="held-title">
            <h2 id="held-title">Sessions you held</h2>
            {report.data.sessions.length === 0 ? (
              <p class="muted">No sessions held yet.</p>
            ) : (
              <ul class="link-list">
                {[...report.data.sessions].reverse().map((s) => (
                  <li key={s.sessionId}>
                    <Link href={`/sessions/${s.sessionId}/attendance`}>
                      {dateIn(s.at, s.timezone)} · {s.title}
                    </Link>
                    <span class="muted">
                      {s.attended + s.unexpected} came · {percent(s.rate)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      <CourseLinks />
    </div>
  );
}
