// /admin/overview — totals, live now, participants, meetings and revenue, each saying what it
// counts; sessions held and attendance per week as charts (with the numbers as a table);
// links to every course's attendance chart.
import { useState } from 'preact/hooks';
import { api, asList } from '../../api.js';
import { Link } from '../../components/Link.js';
import { TableHead } from '../../components/TableHead.js';
import { browserTimeZone } from '../../time.js';
import type { Overview, OverviewTrend, RangeQuery } from '@lectern/server/contract/attendance';
import { getOverview, getOverviewTrend } from './attendanceApi.js';
import { BarChart, RateChart } from './charts.js';
import { dateIn, money, percent } from './format.js';
import { LoadState, NumCells, ReportHead, Ready, Stats, useLoad, type StatItem } from './parts.js';

interface Course {
  id: string;
  title: string;
}

export function OverviewPage() {
  const [range, setRange] = useState<RangeQuery>({});
  const [overview] = useLoad(() => getOverview(range), [range.from, range.to]);
  const zone = browserTimeZone();
  const [trend] = useLoad(() => getOverviewTrend({ ...range, timezone: zone }), [range.from, range.to, zone]);
  return (
    <div class="att-page">
      <ReportHead title="Overview" intro="Sessions by when they happened (all of them without dates); live figures are for right now." range={range} onRange={setRange} />
      <Ready value={overview}>{(o) => <Stats label="Dashboard metrics" items={cards(o)} />}</Ready>
      <Ready value={trend}>{(t) => <WeeklyCharts trend={t} />}</Ready>
      <CourseLinks />
    </div>
  );
}

function cards(o: Overview): StatItem[] {
  const t = o.totals;
  return [
    { label: 'Sessions', value: t.sessions, hint: 'scheduled, live or completed; cancelled ones not counted' },
    { label: 'Live now', value: t.liveNow, hint: 'running right now, whatever the dates' },
    { label: 'In a room now', value: t.inRoomNow, hint: 'people connected to a room right now' },
    { label: 'Participants', value: t.participants, hint: 'different people who joined a session, hosts not counted' },
    { label: 'Meetings', value: t.meetings, hint: 'one-on-ones, office hours and group meetings' },
    { label: 'Completed', value: t.completed, hint: 'held and ended' },
    { label: 'Upcoming', value: t.scheduled, hint: 'scheduled and not started yet' },
    { label: 'Cancelled', value: t.cancelled, hint: 'called off' },
    ...(o.revenue.length === 0
      ? [{ label: 'Revenue', value: '—', hint: 'no priced session was held' }]
      : o.revenue.map((r) => ({
          label: `Revenue ${r.currency}`,
          value: (
            <>
              {money(r.cents, r.currency)} <small>{r.attendees} paid seats</small>
            </>
          ),
          hint: `price × people who joined, over ${r.sessions} priced ${r.sessions === 1 ? 'session' : 'sessions'}`,
        }))),
  ];
}

function WeeklyCharts({ trend }: { trend: OverviewTrend }) {
  const label = (start: string) => dateIn(`${start}T12:00:00Z`, 'UTC');
  return (
    <section class="card stack" aria-labelledby="trend-title">
      <h2 id="trend-title">Week by week</h2>
      <p class="muted small">Weeks start on Monday ({trend.timezone.replaceAll('_', ' ')}); a session counts in the week it started.</p>
      <div class="att-charts">
        <figure>
          <figcaption>
            Sessions held per week <span class="muted small">started, live or completed</span>
          </figcaption>
          <BarChart title="Sessions held per week" unit="sessions" bars={trend.weeks.map((w) => ({ label: label(w.start), value: w.sessions, title: `Week of ${label(w.start)}: ${w.sessions} held` }))} />
        </figure>
        <figure>
          <figcaption>
            Attendance per week <span class="muted small">invited people who came ÷ invited, excused not counted</span>
          </figcaption>
          <RateChart
            title="Attendance per week"
            unit="weeks"
            zone="UTC"
            points={trend.weeks.map((w) => ({ at: `${w.start}T12:00:00Z`, rate: w.rate, label: `Week of ${label(w.start)}: ${w.attended} of ${w.expected - w.excused} came` }))}
          />
        </figure>
      </div>
      <details>
        <summary>The numbers as a table</summary>
        <div class="table-wrap">
          <table class="table">
            <TableHead cols={['Week of', 'Held', 'Invited', 'Excused', 'Came', 'Guests', 'Attendance']} num={['Held', 'Invited', 'Excused', 'Came', 'Guests', 'Attendance']} />
            <tbody>
              {trend.weeks.map((w) => (
                <tr key={w.start}>
                  <th scope="row">{label(w.start)}</th>
                  <NumCells values={[w.sessions, w.expected, w.excused, w.attended, w.guests, percent(w.rate)]} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

export function CourseLinks() {
  const [courses] = useLoad(async () => asList<Course>(await api.get('/api/courses'), 'courses'), []);
  return (
    <section class="card" aria-labelledby="courses-title">
      <h2 id="courses-title">Course attendance</h2>
      {courses.state !== 'ready' ? (
        <LoadState value={courses} />
      ) : courses.data.length === 0 ? (
        <p class="muted">No courses yet.</p>
      ) : (
        <ul class="link-list">
          {courses.data.map((c) => (
            <li key={c.id}>
              <Link href={`/courses/${c.id}/attendance`}>{c.title}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
