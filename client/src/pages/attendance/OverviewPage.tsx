// /admin/overview — totals, live now, participants, meetings and revenue, with links to
// every course's attendance chart.
import { useState } from 'preact/hooks';
import { api, asList } from '../../api.js';
import { Link } from '../../components/Link.js';
import type { RangeQuery } from '@lectern/server/contract/attendance';
import { getOverview } from './attendanceApi.js';
import { money } from './format.js';
import { LoadState, RangeFilter, Stats, useLoad } from './parts.js';

interface Course {
  id: string;
  title: string;
}

export function OverviewPage() {
  const [range, setRange] = useState<RangeQuery>({});
  const [overview] = useLoad(() => getOverview(range), [range.from, range.to]);
  return (
    <div class="att-page">
      <div class="att-head">
        <div>
          <h1>Overview</h1>
          <p class="muted">Sessions by when they happened; live figures are for right now.</p>
        </div>
        <RangeFilter value={range} onChange={setRange} />
      </div>
      {overview.state !== 'ready' ? (
        <LoadState value={overview} />
      ) : (
        <>
          <Stats
            label="Dashboard metrics"
            items={[
              { label: 'Sessions', value: overview.data.totals.sessions },
              { label: 'Live now', value: overview.data.totals.liveNow },
              { label: 'In a room now', value: overview.data.totals.inRoomNow },
              { label: 'Participants', value: overview.data.totals.participants },
              { label: 'Meetings', value: overview.data.totals.meetings },
              { label: 'Completed', value: overview.data.totals.completed },
              { label: 'Upcoming', value: overview.data.totals.scheduled },
              { label: 'Cancelled', value: overview.data.totals.cancelled },
              ...(overview.data.revenue.length === 0
                ? [{ label: 'Revenue', value: '—' }]
                : overview.data.revenue.map((r) => ({
                    label: `Revenue ${r.currency}`,
                    value: (
                      <>
                        {money(r.cents, r.currency)} <small>{r.attendees} paid seats</small>
                      </>
                    ),
                  }))),
            ]}
          />
        </>
      )}
      <CourseLinks />
    </div>
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
