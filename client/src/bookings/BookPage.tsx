// Public booking page /book/:handle: the host's free slots in the visitor's own time zone
// (detected, changeable), a day picker, and booking: one step when signed in, name and
// email for a guest. A slot taken meanwhile answers 409: the page says so and reloads.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api.js';
import { authStore } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { SelectField, zoneOptions } from '../components/SelectField.js';
import type { Params } from '../router.js';
import { useStore } from '../store.js';
import { browserTimeZone, formatWhen, timeZones, wallTimeToIso } from '../time.js';
import { bookingsApi, dateIn, dayLabel, hhmmIn, money, type BookingCreatedDto, type HostPublicDto, type SlotDto } from './api.js';
import './bookings.css';

const DAYS = 14;

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function SlotPicker(props: { handle: string; zone: string; onPick: (s: SlotDto) => void; picked: SlotDto | null; refreshKey: number }) {
  const { handle, zone } = props;
  const [first, setFirst] = useState(() => dateIn(Date.now(), zone));
  const [day, setDay] = useState<string | null>(null);
  const [slots, setSlots] = useState<SlotDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setFirst(dateIn(Date.now(), zone)), [zone]);
  const load = useCallback(async () => {
    try {
      const from = wallTimeToIso(`${first}T00:00`, zone);
      const to = wallTimeToIso(`${addDays(first, DAYS)}T00:00`, zone);
      setSlots(await bookingsApi.slots(handle, from, to));
      setError(null);
    } catch (err) {
      setError(`Could not load free times: ${errorMessage(err)}`);
    }
  }, [handle, zone, first]);
  useEffect(() => void load(), [load, props.refreshKey]);
  const byDay = useMemo(() => {
    const m = new Map<string, SlotDto[]>();
    for (const s of slots ?? []) {
      const d = dateIn(s.start, zone);
      m.set(d, [...(m.get(d) ?? []), s]);
    }
    return m;
  }, [slots, zone]);
  const days = Array.from({ length: DAYS }, (_, i) => addDays(first, i));
  const shown = day && byDay.has(day) ? day : (days.find((d) => byDay.has(d)) ?? null);
  const today = dateIn(Date.now(), zone);
  return (
    <div class="slot-picker">
      {error && <Alert tone="error">{error}</Alert>}
      <div class="day-nav">
        <button type="button" class="btn btn-ghost btn-small" disabled={first <= today} onClick={() => setFirst(addDays(first, -DAYS) < today ? today : addDays(first, -DAYS))}>
          ← Earlier
        </button>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => setFirst(addDays(first, DAYS))}>
          Later →
        </button>
      </div>
      <div class="day-grid" role="group" aria-label="Days">
        {days.map((d) => (
          <button key={d} type="button" class={`day${d === shown ? ' day-on' : ''}`} disabled={!byDay.has(d)} aria-pressed={d === shown} onClick={() => setDay(d)}>
            {dayLabel(d)}
            <span class="small">{byDay.get(d)?.length ?? 0} free</span>
          </button>
        ))}
      </div>
      {slots === null ? (
        <p class="muted" role="status">
          Loading free times…
        </p>
      ) : !shown ? (
        <p class="muted">No free times in these two weeks.</p>
      ) : (
        <div class="slot-grid" role="group" aria-label={`Free times on ${dayLabel(shown)}`}>
          {byDay.get(shown)!.map((s) => (
            <button
              key={s.start}
              type="button"
              class={`slot${props.picked?.start === s.start ? ' slot-on' : ''}`}
              aria-pressed={props.picked?.start === s.start}
              onClick={() => props.onPick(s)}
            >
              {hhmmIn(s.start, zone)}
              <span class="small">{money(s.priceCents, s.currency)}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** The same path on the origin the visitor is on (the server's public URL may name another). */
const here = (url: string): string => window.location.origin + new URL(url, window.location.origin).pathname;

function Confirmation({ b, zone }: { b: BookingCreatedDto; zone: string }) {
  const joinUrl = b.joinUrl && here(b.joinUrl);
  const manageUrl = b.manageUrl && here(b.manageUrl);
  return (
    <section class="card booked" aria-labelledby="booked-heading">
      <h2 id="booked-heading">{b.status === 'pending_payment' ? 'Booked: payment pending' : 'You are booked'}</h2>
      <p>
        <strong>{formatWhen(b.start, zone)}</strong> – {hhmmIn(b.end, zone)} ({zone}), {money(b.priceCents, b.currency)}.
      </p>
      <p class="muted">A confirmation with a calendar file is on its way by email.</p>
      {joinUrl && (
        <p>
          Join link (opens at the meeting time): <a href={joinUrl}>{joinUrl}</a>
        </p>
      )}
      {manageUrl && (
        <p>
          Keep this private link to cancel or reschedule: <a href={manageUrl}>{manageUrl}</a>
        </p>
      )}
    </section>
  );
}

export function BookPage({ params }: { params: Params }) {
  const handle = params.handle ?? '';
  const { user } = useStore(authStore);
  const [host, setHost] = useState<HostPublicDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [zone, setZone] = useState(browserTimeZone);
  const [picked, setPicked] = useState<SlotDto | null>(null);
  const [form, setForm] = useState({ name: '', email: '', notes: '' });
  const [busy, setBusy] = useState(false);
  const [booked, setBooked] = useState<BookingCreatedDto | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const zones = useMemo(() => zoneOptions(timeZones()), []);
  useEffect(() => {
    bookingsApi.host(handle).then(setHost, (err: unknown) => setError(err instanceof ApiError && err.status === 404 ? 'There is no booking page with this address.' : errorMessage(err)));
  }, [handle]);

  const book = async (e: Event) => {
    e.preventDefault();
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      const body = user ? { handle, start: picked.start, notes: form.notes, timezone: zone } : { handle, start: picked.start, ...form, timezone: zone };
      setBooked(await bookingsApi.book(body, !user));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setError('That time was just taken. Here are the times still free.');
        setPicked(null);
        setRefreshKey((k) => k + 1);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!host) return error ? <Alert tone="error">{error}</Alert> : <p class="muted">Loading…</p>;
  if (booked) return <Confirmation b={booked} zone={zone} />;
  return (
    <div class="book-page">
      <div class="page-head">
        <h1>Book a meeting with {host.name}</h1>
        <p class="muted">Pick a day and a time. Times are shown in your time zone.</p>
      </div>
      <SelectField id="visitor-zone" label="Your time zone" extraClass="field-narrow" value={zone} onValue={setZone} options={zones} />
      {error && <Alert tone="error">{error}</Alert>}
      <section class="card">
        <SlotPicker handle={handle} zone={zone} picked={picked} onPick={setPicked} refreshKey={refreshKey} />
      </section>
      {picked && (
        <form class="card stack" onSubmit={book} aria-label="Your booking">
          <p>
            <strong>{formatWhen(picked.start, zone)}</strong> – {hhmmIn(picked.end, zone)}, {money(picked.priceCents, picked.currency)}
            {picked.priceCents > 0 && <span class="muted"> (paid to the host directly; the booking is confirmed when they record your payment)</span>}
          </p>
          {!user && (
            <div class="field-row">
              <div class="field">
                <label for="book-name">Your name</label>
                <input id="book-name" required maxLength={80} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
              </div>
              <div class="field">
                <label for="book-email">Email</label>
                <input id="book-email" type="email" required value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />
              </div>
            </div>
          )}
          <div class="field">
            <label for="book-notes">Anything to prepare? (optional)</label>
            <textarea id="book-notes" maxLength={2000} rows={2} value={form.notes} onInput={(e) => setForm({ ...form, notes: e.currentTarget.value })} />
          </div>
          <button class="btn btn-primary" type="submit" disabled={busy}>
            {user ? `Book as ${user.name}` : 'Book'}
          </button>
        </form>
      )}
    </div>
  );
}
