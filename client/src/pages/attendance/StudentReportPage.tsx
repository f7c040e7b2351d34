// /students/:id/attendance (and the student's own view under /attendance) — one student
// across sessions: rate, minutes, late count and a strip of every session.
import { useState } from 'preact/hooks';
import { Link } from '../../components/Link.js';
import type { Params } from '../../router.js';
import type { RangeQuery } from '@lectern/server/contract/attendance';
import { getStudentReport } from './attendanceApi.js';
import { Heatmap, StatusLegend } from './charts.js';
import { dateIn, percent, STATUS_LABEL, timeIn } from './format.js';
import { LoadState, ReportHead, Stats, StatusBadge, TableCard, useLoad } from './parts.js';

export function StudentReportPage({ params }: { params: Params }) {
  return <StudentReport id={params.id ?? 'me'} />;
}

export function StudentReport({ id }: { id: string }) {
  const [range, setRange] = useState<RangeQuery>({});
  const [report] = useLoad(() => getStudentReport(id, range), [id, range.from, range.to]);
  if (report.state !== 'ready') return <LoadState value={report} />;
  const r = report.data;
  const t = r.totals;
  return (
    <div class="att-page">
      <ReportHead title={id === 'me' ? 'My attendance' : `Attendance: ${r.user.name}`} intro="Held sessions you were expected at or joined." range={range} onRange={setRange} />
      <Stats
        label="Totals"
        items={[
          { label: 'Attendance', value: percent(t.rate) },
          { label: 'Sessions', value: t.sessions },
          { label: 'Attended', value: t.attended },
          { label: 'Late', value: t.late },
          { label: 'Absent', value: t.absent },
          { label: 'Excused', value: t.excused },
          { label: 'Minutes', value: t.minutes },
        ]}
      />
      {r.sessions.length > 0 && (
        <section class="card" aria-labelledby="strip-title">
          <h2 id="strip-title">Session by session</h2>
          <Heatmap
            title={`Attendance of ${r.user.name} by session`}
            columns={r.sessions.map((s) => dateIn(s.at, s.timezone))}
            rows={[
              {
                label: r.user.name,
                cells: r.sessions.map((s) => ({ status: s.status, title: `${s.title}, ${dateIn(s.at, s.timezone)}: ${STATUS_LABEL[s.status]}, ${s.minutesPresent} min` })),
              },
            ]}
          />
          <StatusLegend statuses={['present', 'late', 'absent', 'excused']} />
        </section>
      )}
      <TableCard id="list-title" title="Sessions" tableClass="table att-table" cols={['Session', 'Status', 'First join', 'Last leave', 'Minutes', 'Note']} num={['Minutes']}>
        <tbody>
          {r.sessions.map((s) => (
            <tr key={s.sessionId}>
              <th scope="row">
                {id === 'me' ? s.title : <Link href={`/sessions/${s.sessionId}/attendance`}>{s.title}</Link>}
                <div class="muted small">
                  {timeIn(s.at, s.timezone, true)} ({s.timezone})
                </div>
              </th>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td>{timeIn(s.firstJoinAt, s.timezone)}</td>
              <td>{timeIn(s.lastLeaveAt, s.timezone)}</td>
              <td class="num">{s.minutesPresent}</td>
              <td class="att-note">{s.note}</td>
            </tr>
          ))}
        </tbody>
      </TableCard>
    </div>
  );
}
