// The availability editor: handle, time zone, notice, horizon, daily cap; a week grid of
// bookable windows (slot length, buffer, price); date overrides (a day off, extra hours).
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api.js';
import { authStore } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { CardSection } from '../components/CardSection.js';
import { Link } from '../components/Link.js';
import { SelectField, zoneOptions } from '../components/SelectField.js';
import { useStore } from '../store.js';
import { browserTimeZone, timeZones } from '../time.js';
import { bookingsApi, type AvailabilityDto } from './api.js';
import './bookings.css';

/** Monday first, as people read a week; dayOfWeek 0 = Sunday. */
const WEEK = [1, 2, 3, 4, 5, 6, 0] as const;
const DAY_NAME = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface WindowForm {
  start: string;
  end: string;
  slotMinutes: number;
  bufferMinutes: number;
  price: string;
  currency: string;
  active: boolean;
}
interface RuleForm extends WindowForm {
  dayOfWeek: number;
}
type OverrideForm = { kind: 'off'; date: string } | ({ kind: 'extra'; date: string } & WindowForm);

const blank = (): WindowForm => ({ start: '09:00', end: '12:00', slotMinutes: 30, bufferMinutes: 0, price: '', currency: 'EUR', active: true });
const cents = (price: string): number => Math.round((Number(price.replace(',', '.')) || 0) * 100);
const priceText = (c: number): string => (c ? (c / 100).toFixed(2) : '');

function WindowFields({ w, label, onChange }: { w: WindowForm; label: string; onChange: (w: WindowForm) => void }) {
  return (
    <>
      <input type="time" step={300} aria-label={`${label} from`} value={w.start} onInput={(e) => onChange({ ...w, start: e.currentTarget.value })} />
      <span aria-hidden="true">–</span>
      <input type="time" step={300} aria-label={`${label} to`} value={w.end === '24:00' ? '23:59' : w.end} onInput={(e) => onChange({ ...w, end: e.currentTarget.value })} />
      <select aria-label={`${label} slot length`} value={w.slotMinutes} onChange={(e) => onChange({ ...w, slotMinutes: Number(e.currentTarget.value) })}>
        {[15, 20, 30, 45, 60, 90, 120].map((m) => (
          <option key={m} value={m}>
            {m} min
          </option>
        ))}
      </select>
      <select aria-label={`${label} buffer`} value={w.bufferMinutes} onChange={(e) => onChange({ ...w, bufferMinutes: Number(e.currentTarget.value) })}>
        {[0, 5, 10, 15, 30].map((m) => (
          <option key={m} value={m}>
            {m ? `+${m} min buffer` : 'no buffer'}
          </option>
        ))}
      </select>
      <input class="price" inputMode="decimal" placeholder="Free" aria-label={`${label} price`} value={w.price} onInput={(e) => onChange({ ...w, price: e.currentTarget.value })} />
      <input class="currency" maxLength={3} aria-label={`${label} currency`} value={w.currency} onInput={(e) => onChange({ ...w, currency: e.currentTarget.value.toUpperCase() })} />
    </>
  );
}

/** One row of a day's hours or of the date overrides: its fields, then a ✕ that removes it. */
function WindowRow({ removeLabel, onRemove, children }: { removeLabel: string; onRemove: () => void; children: ComponentChildren }) {
  return (
    <div class="window-row">
      {children}
      <button type="button" class="btn btn-ghost btn-small" aria-label={removeLabel} onClick={onRemove}>
        ✕
      </button>
    </div>
  );
}

const without = <T,>(list: T[], i: number): T[] => list.filter((_, j) => j !== i);

function fromDto(a: AvailabilityDto): { rules: RuleForm[]; overrides: OverrideForm[] } {
  return {
    rules: a.rules.map((r) => ({ ...r, price: priceText(r.priceCents) })),
    overrides: a.overrides.map((o): OverrideForm =>
      o.kind === 'off'
        ? { kind: 'off', date: o.date }
        : { kind: 'extra', date: o.date, start: o.start ?? '09:00', end: o.end ?? '10:00', slotMinutes: o.slotMinutes ?? 30, bufferMinutes: o.bufferMinutes ?? 0, price: priceText(o.priceCents ?? 0), currency: o.currency ?? 'EUR', active: true },
    ),
  };
}

const toWindow = (w: WindowForm) => ({ start: w.start, end: w.end === '23:59' ? '24:00' : w.end, slotMinutes: w.slotMinutes, bufferMinutes: w.bufferMinutes, priceCents: cents(w.price), currency: w.currency || 'EUR' });

export function AvailabilityPage() {
  const { user } = useStore(authStore);
  const zones = useMemo(() => zoneOptions(timeZones()), []);
  const [loaded, setLoaded] = useState(false);
  const [handle, setHandle] = useState('');
  const [zone, setZone] = useState(browserTimeZone);
  const [noticeHours, setNoticeHours] = useState(12);
  const [horizonDays, setHorizonDays] = useState(60);
  const [dailyCap, setDailyCap] = useState('');
  const [rules, setRules] = useState<RuleForm[]>([]);
  const [overrides, setOverrides] = useState<OverrideForm[]>([]);
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    bookingsApi.myAvailability().then(
      (a) => {
        setHandle(a.handle);
        setZone(a.timezone);
        setNoticeHours(a.minNoticeMinutes / 60);
        setHorizonDays(a.horizonDays);
        setDailyCap(a.dailyCap ? String(a.dailyCap) : '');
        const f = fromDto(a);
        setRules(f.rules);
        setOverrides(f.overrides);
        setSaved(a.handle);
        setLoaded(true);
      },
      (err: unknown) => {
        if (!(err instanceof ApiError && err.status === 404)) setMessage({ tone: 'error', text: errorMessage(err) });
        setHandle((user?.name ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40));
        setLoaded(true);
      },
    );
  }, [user]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const a = await bookingsApi.saveAvailability({
        handle,
        timezone: zone,
        minNoticeMinutes: Math.round(noticeHours * 60),
        horizonDays,
        dailyCap: dailyCap ? Number(dailyCap) : null,
        rules: rules.map((r) => ({ dayOfWeek: r.dayOfWeek, active: r.active, ...toWindow(r) })),
        overrides: overrides.map((o) => (o.kind === 'off' ? o : { kind: 'extra' as const, date: o.date, ...toWindow(o) })),
      });
      setSaved(a.handle);
      setMessage({ tone: 'success', text: 'Availability saved.' });
    } catch (err) {
      setMessage({ tone: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  if (!loaded) return <p class="muted">Loading…</p>;
  const setRule = (i: number, r: RuleForm) => setRules(rules.map((x, j) => (j === i ? r : x)));
  const setOverride = (i: number, o: OverrideForm) => setOverrides(overrides.map((x, j) => (j === i ? o : x)));
  return (
    <form class="availability" onSubmit={save}>
      <div class="page-head">
        <h1>Availability</h1>
        <p class="muted">
          When people can book you. {saved && <Link href={`/book/${saved}`}>Your booking page: /book/{saved}</Link>}
        </p>
      </div>
      <section class="card stack">
        <div class="field-row">
          <div class="field">
            <label for="av-handle">Booking page address</label>
            <input id="av-handle" required pattern="[a-z0-9][a-z0-9\-]{1,38}[a-z0-9]" value={handle} onInput={(e) => setHandle(e.currentTarget.value.toLowerCase())} />
          </div>
          <SelectField id="av-zone" label="Time zone" value={zone} onValue={setZone} options={zones} />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="av-notice">Minimum notice (hours)</label>
            <input id="av-notice" type="number" min={0} step={0.5} value={noticeHours} onInput={(e) => setNoticeHours(Number(e.currentTarget.value))} />
          </div>
          <div class="field">
            <label for="av-horizon">Bookable up to (days ahead)</label>
            <input id="av-horizon" type="number" min={1} max={730} value={horizonDays} onInput={(e) => setHorizonDays(Number(e.currentTarget.value))} />
          </div>
          <div class="field">
            <label for="av-cap">At most per day (optional)</label>
            <input id="av-cap" type="number" min={1} max={100} value={dailyCap} onInput={(e) => setDailyCap(e.currentTarget.value)} />
          </div>
        </div>
      </section>
      <CardSection headingId="week-heading" title="Weekly hours">
        <div class="week-grid">
          {WEEK.map((d) => (
            <div class="week-day" key={d}>
              <strong class="week-name">{DAY_NAME[d]}</strong>
              <div class="stack">
                {rules.map((r, i) =>
                  r.dayOfWeek !== d ? null : (
                    <WindowRow key={i} removeLabel={`Remove ${DAY_NAME[d]} ${r.start}`} onRemove={() => setRules(without(rules, i))}>
                      <input type="checkbox" checked={r.active} aria-label={`${DAY_NAME[d]} window active`} onChange={(e) => setRule(i, { ...r, active: e.currentTarget.checked })} />
                      <WindowFields w={r} label={DAY_NAME[d]!} onChange={(w) => setRule(i, { ...r, ...w })} />
                    </WindowRow>
                  ),
                )}
                {!rules.some((r) => r.dayOfWeek === d) && <span class="muted small">Unavailable</span>}
                <div>
                  <button type="button" class="btn btn-ghost btn-small" onClick={() => setRules([...rules, { dayOfWeek: d, ...blank() }])}>
                    Add hours on {DAY_NAME[d]}
                  </button>
                </div>
              </div>
            </div>
          ))}
        </div>
      </CardSection>
      <CardSection headingId="overrides-heading" title="Date overrides">
        <div class="stack">
          {overrides.map((o, i) => (
            <WindowRow key={i} removeLabel={`Remove override ${i + 1}`} onRemove={() => setOverrides(without(overrides, i))}>
              <input type="date" aria-label={`Override ${i + 1} date`} value={o.date} onInput={(e) => setOverride(i, { ...o, date: e.currentTarget.value })} />
              {o.kind === 'off' ? <span class="badge">Day off</span> : <WindowFields w={o} label={`Override ${i + 1}`} onChange={(w) => setOverride(i, { ...o, ...w })} />}
            </WindowRow>
          ))}
          <div class="inline-row">
            <button type="button" class="btn btn-secondary btn-small" onClick={() => setOverrides([...overrides, { kind: 'off', date: new Date().toISOString().slice(0, 10) }])}>
              Add a day off
            </button>
            <button type="button" class="btn btn-secondary btn-small" onClick={() => setOverrides([...overrides, { kind: 'extra', date: new Date().toISOString().slice(0, 10), ...blank() }])}>
              Add extra hours
            </button>
          </div>
        </div>
      </CardSection>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <button class="btn btn-primary btn-large" type="submit" disabled={busy}>
        Save availability
      </button>
    </form>
  );
}
