// The live-sessions dashboard: quick navigation, the numbers (sessions, live now,
// participants, meetings, revenue) with a revenue chart, upcoming sessions and recent meetings.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { authStore } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { Link } from '../components/Link.js';
import { SessionRows, useNow } from '../pages/schedule/SessionRow.js';
import { split, useScheduled } from '../pages/schedule/useScheduled.js';
import { useStore } from '../store.js';
import { browserTimeZone } from '../time.js';
import { amount, bookingsApi, type BookingDto, type RevenueRowDto, type StatsDto } from './api.js';
import { MeetingRow } from './MeetingsPage.js';
import { lastMonths, RevenueChart } from './RevenueChart.js';
import '../pages/attendance/attendance.css';
import '../pages/schedule/schedule.css';
import './bookings.css';

const NAV = [
  { href: '/schedule', title: 'Sessions', text: 'Calendar, live and past sessions', icon: '▦' },
  { href: '/schedule/new', title: 'New session', text: 'Schedule a class, webinar or workshop', icon: '+' },
  { href: '/availability', title: 'Availability', text: 'Weekly hours people can book', icon: '◷' },
  { href: '/meetings', title: 'Meetings', text: 'Booked office hours', icon: '☰' },
];

export function DashboardPage() {
  const { user } = useStore(authStore);
  const { sessions, error: sessionsError } = useScheduled();
  const now = useNow();
  const [stats, setStats] = useState<StatsDto | null>(null);
  const [revenue, setRevenue] = useState<RevenueRowDto[]>([]);
  const [meetings, setMeetings] = useState<BookingDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [currency, setCurrency] = useState<string | null>(null);
  const months = lastMonths(new Date(), 12);
  const zone = user?.timezone && user.timezone !== 'UTC' ? user.timezone : browserTimeZone();
  useEffect(() => {
    Promise.all([bookingsApi.stats(), bookingsApi.revenue(`${months[0]}-01T00:00:00Z`), bookingsApi.list({ role: 'host', limit: '8' })]).then(
      ([s, r, m]) => {
        setStats(s);
        setRevenue(r);
        setMeetings(m);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);
  if (!user) return null;
  const { live, upcoming } = split(sessions, now);
  const currencies = [...new Set([...(stats?.revenue.map((r) => r.currency) ?? []), ...revenue.map((r) => r.currency)])];
  const shown = currency ?? currencies[0] ?? 'EUR';
  const cards = [
    { label: 'Total sessions', value: String(stats?.totalSessions ?? '–') },
    { label: 'Live now', value: String(stats?.liveNow ?? live.length) },
    { label: 'Participants', value: String(stats?.participants ?? '–') },
    { label: 'Meetings', value: String(stats?.meetings ?? '–') },
    { label: 'Revenue', value: stats ? (stats.revenue.length ? stats.revenue.map((r) => amount(r.amountCents, r.currency)).join(' · ') : amount(0, 'EUR')) : '–' },
  ];
  return (
    <>
      <div class="page-head">
        <h1>Live sessions</h1>
        <p class="muted">Your classes and booked meetings at a glance.</p>
      </div>
      <nav class="quick-nav" aria-label="Quick navigation">
        {NAV.map((n) => (
          <Link key={n.href} href={n.href} class="card quick-card">
            <span class="quick-icon" aria-hidden="true">
              {n.icon}
            </span>
            <strong>{n.title}</strong>
            <span class="muted small">{n.text}</span>
          </Link>
        ))}
      </nav>
      {(error ?? sessionsError) && <Alert tone="error">{error ?? sessionsError}</Alert>}
      <section class="stat-cards" aria-label="Numbers">
        {cards.map((c) => (
          <div class="card stat-card" key={c.label}>
            <span class="muted small">{c.label}</span>
            <strong class="stat-value">{c.value}</strong>
          </div>
        ))}
      </section>
      <section class="card" aria-labelledby="revenue-heading">
        <div class="inline-row spread">
          <h2 id="revenue-heading">Revenue</h2>
          {currencies.length > 1 && (
            <select aria-label="Currency" value={shown} onChange={(e) => setCurrency(e.currentTarget.value)}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </div>
        <RevenueChart rows={revenue} currency={shown} months={months} />
        {revenue.length === 0 && <p class="muted small">No payments recorded yet. Record them on the Meetings page.</p>}
      </section>
      <div class="hub">
        <section class="card hub-main" aria-labelledby="upcoming-heading">
          <h2 id="upcoming-heading">Upcoming sessions</h2>
          <SessionRows sessions={[...live, ...upcoming].slice(0, 10)} now={now} empty="Nothing scheduled." host displayName={user.name} />
        </section>
        <section class="card hub-side" aria-labelledby="meetings-heading">
          <h2 id="meetings-heading">Recent meetings</h2>
          {meetings === null ? (
            <p class="muted">Loading…</p>
          ) : meetings.length === 0 ? (
            <p class="muted">No meetings booked yet.</p>
          ) : (
            <ul class="meeting-list">
              {meetings.map((b) => (
                <MeetingRow key={b.id} b={b} zone={zone} host />
              ))}
            </ul>
          )}
          <Link href="/meetings">All meetings</Link>
        </section>
      </div>
    </>
  );
}
