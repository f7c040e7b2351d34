// /courses/:id/attendance — a course over time: attendance rate per session, a heatmap of
// every student by session, and per-student totals.
import { useState } from 'preact/hooks';
import { Link } from '../../components/Link.js';
import type { Params } from '../../router.js';
import { browserTimeZone } from '../../time.js';
import type { RangeQuery } from '@lectern/server/contract/attendance';
import { getCourseReport } from './attendanceApi.js';
import { Heatmap, RateChart, StatusLegend } from './charts.js';
import { dateIn, percent, STATUS_LABEL } from './format.js';
import { LoadState, NumCells, ReportHead, Stats, TableCard, useLoad } from './parts.js';

export function CourseReportPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const [range, setRange] = useState<RangeQuery>({});
  const [report] = useLoad(() => getCourseReport(id, range), [id, range.from, range.to]);
  if (report.state !== 'ready') return <LoadState value={report} />;
  const r = report.data;
  const zone = r.sessions[0]?.timezone ?? browserTimeZone();
  const columns = r.sessions.map((s) => dateIn(s.at, s.timezone));

  return (
    <div class="att-page">
      <ReportHead title={`Attendance: ${r.course.title}`} intro={`Held sessions${range.from || range.to ? ' in the chosen dates' : ''}. Excused absences do not count against the rate.`} range={range} onRange={setRange} />
      <Stats
        label="Course totals"
        items={[
          { label: 'Sessions', value: r.totals.sessions },
          { label: 'Average attendance', value: percent(r.totals.averageRate) },
          { label: 'Attended per session', value: r.totals.averageAttended ?? '—' },
          { label: 'Students', value: r.totals.students },
        ]}
      />
      <section class="card" aria-labelledby="rate-title">
        <h2 id="rate-title">Attendance rate over time</h2>
        {r.sessions.length === 0 ? (
          <p class="muted">No sessions held yet.</p>
        ) : (
          <RateChart
            title={`Attendance rate of ${r.course.title}`}
            zone={zone}
            points={r.sessions.map((s) => ({ at: s.at, rate: s.rate, label: `${s.title} (${dateIn(s.at, s.timezone)}): ${s.attended} of ${s.expected}` }))}
          />
        )}
      </section>
      {r.students.length > 0 && (
        <section class="card" aria-labelledby="heat-title">
          <h2 id="heat-title">Students by session</h2>
          <Heatmap
            title={`Attendance of each student in ${r.course.title}, by session`}
            columns={columns}
            rows={r.students.map((st) => ({
              label: st.name,
              cells: st.cells.map((c, j) => ({
                status: c.status,
                title: `${st.name}, ${columns[j] ?? ''}: ${c.status ? `${STATUS_LABEL[c.status]}, ${c.minutesPresent} min` : 'not expected'}`,
              })),
            }))}
          />
          <StatusLegend statuses={['present', 'late', 'absent', 'excused']} />
        </section>
      )}
      <TableCard id="students-title" title="Students" cols={['Name', 'Rate', 'Attended', 'Late', 'Absent', 'Excused', 'Minutes']} num={['Rate', 'Attended', 'Late', 'Absent', 'Excused', 'Minutes']}>
        <tbody>
          {r.students.map((st) => (
            <tr key={st.userId}>
              <th scope="row">
                <Link href={`/students/${st.userId}/attendance`}>{st.name}</Link>
              </th>
              <NumCells values={[percent(st.rate), st.attended, st.late, st.absent, st.excused, st.minutes]} />
            </tr>
          ))}
        </tbody>
      </TableCard>
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <ul class="link-list">
          {r.sessions.map((s) => (
            <li key={s.sessionId}>
              <Link href={`/sessions/${s.sessionId}/attendance`}>
                {dateIn(s.at, s.timezone)} · {s.title}
              </Link>
              <span class="muted">
                {s.attended} of {s.expected} invited came · {percent(s.rate)}
                {s.guests > 0 && ` · ${s.guests} ${s.guests === 1 ? 'guest' : 'guests'}`}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
