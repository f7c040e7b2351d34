// Week and month calendar of sessions, drawn in the viewer's zone.
import { useState } from 'preact/hooks';
import { linkClick } from '../../router.js';
import type { FullSession } from './scheduleApi.js';
import { dayKey, dayLabel, keyToNum, monthGrid, numToKey, shiftMonth, timeIn, viewerZone, weekDays } from './zoned.js';

type Mode = 'week' | 'month';

function Chip({ s, zone }: { s: FullSession; zone: string }) {
  const href = `/sessions/${s.id}`;
  return (
    <a href={href} onClick={(e) => linkClick(e, href)} class={`cal-chip status-${s.status}`} title={`${s.title} (${s.timezone})`}>
      <span class="cal-time">{timeIn(s.scheduledAt, zone)}</span> <span class="cal-title">{s.title}</span>
    </a>
  );
}

export function CalendarView({ sessions, today = dayKey(new Date(), viewerZone()) }: { sessions: FullSession[]; today?: string }) {
  const zone = viewerZone();
  const [mode, setMode] = useState<Mode>('week');
  const [anchor, setAnchor] = useState(today);
  const days = mode === 'week' ? weekDays(anchor) : monthGrid(anchor);
  const byDay = new Map<string, FullSession[]>();
  for (const s of [...sessions].sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt))) {
    const k = dayKey(s.scheduledAt, zone);
    byDay.set(k, [...(byDay.get(k) ?? []), s]);
  }
  const move = (dir: number) => setAnchor(mode === 'week' ? numToKey(keyToNum(anchor) + 7 * dir) : shiftMonth(anchor, dir));
  const heading =
    mode === 'week'
      ? `${dayLabel(days[0]!, { day: 'numeric', month: 'short' })} – ${dayLabel(days[6]!, { day: 'numeric', month: 'short', year: 'numeric' })}`
      : dayLabel(`${anchor.slice(0, 7)}-15`, { month: 'long', year: 'numeric' });
  const month = anchor.slice(0, 7);

  return (
    <section class="card calendar" aria-labelledby="cal-heading">
      <div class="cal-toolbar">
        <h2 id="cal-heading">{heading}</h2>
        <div class="inline-row">
          <button type="button" class="btn btn-small btn-secondary" onClick={() => move(-1)} aria-label={`Previous ${mode}`}>
            ‹
          </button>
          <button type="button" class="btn btn-small btn-secondary" onClick={() => setAnchor(today)}>
            Today
          </button>
          <button type="button" class="btn btn-small btn-secondary" onClick={() => move(1)} aria-label={`Next ${mode}`}>
            ›
          </button>
          <div class="segmented" role="group" aria-label="Calendar view">
            <button type="button" class={`btn btn-small ${mode === 'week' ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={mode === 'week'} onClick={() => setMode('week')}>
              Week
            </button>
            <button type="button" class={`btn btn-small ${mode === 'month' ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={mode === 'month'} onClick={() => setMode('month')}>
              Month
            </button>
          </div>
        </div>
      </div>
      <p class="muted small">Times in your zone: {zone.replaceAll('_', ' ')}</p>
      <div class={`cal-grid cal-${mode}`} role="group" aria-label={`${mode === 'week' ? 'Week' : 'Month'} of ${heading}`}>
        {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
          <div class="cal-head" aria-hidden="true" key={d}>
            {d}
          </div>
        ))}
        {days.map((k) => (
          <div key={k} role="group" aria-label={dayLabel(k, { weekday: 'long', day: 'numeric', month: 'long' })} class={`cal-day ${k === today ? 'is-today' : ''} ${mode === 'month' && k.slice(0, 7) !== month ? 'is-outside' : ''}`} data-day={k}>
            <div class="cal-date">{mode === 'week' ? dayLabel(k, { day: 'numeric', month: 'short' }) : Number(k.slice(8))}</div>
            {(byDay.get(k) ?? []).map((s) => (
              <Chip key={s.id} s={s} zone={zone} />
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}
