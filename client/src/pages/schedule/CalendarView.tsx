// Week and month calendar of sessions, drawn in the viewer's zone.
import { useState } from 'preact/hooks';
import { linkClick } from '../../router.js';
import type { FullSession } from './scheduleApi.js';
import { dayKey, dayLabel, keyToNum, monthGrid, numToKey, shiftMonth, timeIn, viewerZone, weekDays } from './zoned.js';

type Mode = 'week' | 'month';

/** Minutes after local midnight in `zone`. */
function minutesIn(iso: string, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).formatToParts(new Date(iso));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Pixels per hour of the week view's time grid. */
const HOUR_PX = 44;

function Chip({ s, zone, placed }: { s: FullSession; zone: string; placed?: { fromHour: number } }) {
  const href = `/sessions/${s.id}`;
  const style = placed
    ? { top: `${((minutesIn(s.scheduledAt, zone) - placed.fromHour * 60) / 60) * HOUR_PX}px`, height: `${Math.max(22, (s.durationMinutes / 60) * HOUR_PX - 2)}px` }
    : undefined;
  return (
    <a href={href} onClick={(e) => linkClick(e, href)} class={`cal-chip status-${s.status}${placed ? ' is-placed' : ''}`} style={style} title={`${s.title}, ${timeIn(s.scheduledAt, zone)}, ${s.durationMinutes} min (${s.timezone})`}>
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
  // Week view: an hour grid from 07:00 to 21:00, widened to fit every session of the week.
  const weekSessions = mode === 'week' ? days.flatMap((k) => byDay.get(k) ?? []) : [];
  const fromHour = Math.min(7, ...weekSessions.map((x) => Math.floor(minutesIn(x.scheduledAt, zone) / 60)));
  const toHour = Math.max(21, ...weekSessions.map((x) => Math.min(24, Math.ceil((minutesIn(x.scheduledAt, zone) + x.durationMinutes) / 60))));
  const hours = Array.from({ length: toHour - fromHour }, (_, i) => fromHour + i);

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
        {mode === 'week' && <div class="cal-head cal-gutter-head" aria-hidden="true" />}
        {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
          <div class="cal-head" aria-hidden="true" key={d}>
            {d}
          </div>
        ))}
        {mode === 'week' && (
          <div class="cal-gutter" aria-hidden="true">
            <div class="cal-date">&nbsp;</div>
            <div class="cal-hours" style={{ height: `${hours.length * HOUR_PX}px` }}>
              {hours.map((h) => (
                <span key={h} class="cal-hour" style={{ top: `${(h - fromHour) * HOUR_PX}px` }}>
                  {String(h).padStart(2, '0')}:00
                </span>
              ))}
            </div>
          </div>
        )}
        {days.map((k) => (
          <div key={k} role="group" aria-label={dayLabel(k, { weekday: 'long', day: 'numeric', month: 'long' })} class={`cal-day ${k === today ? 'is-today' : ''} ${mode === 'month' && k.slice(0, 7) !== month ? 'is-outside' : ''}`} data-day={k}>
            <div class="cal-date">{mode === 'week' ? dayLabel(k, { day: 'numeric', month: 'short' }) : Number(k.slice(8))}</div>
            {mode === 'week' ? (
              <div class="cal-hours" style={{ height: `${hours.length * HOUR_PX}px`, backgroundSize: `100% ${HOUR_PX}px` }}>
                {(byDay.get(k) ?? []).map((s) => (
                  <Chip key={s.id} s={s} zone={zone} placed={{ fromHour }} />
                ))}
              </div>
            ) : (
              (byDay.get(k) ?? []).map((s) => <Chip key={s.id} s={s} zone={zone} />)
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
