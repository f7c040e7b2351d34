// Meetings booked with you (or by you): filters by status and date; the host cancels,
// marks completed or no-show, and records payments and refunds.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { authStore } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { SelectField } from '../components/SelectField.js';
import { useStore } from '../store.js';
import { browserTimeZone, formatWhen, wallTimeToIso } from '../time.js';
import { bookingsApi, hhmmIn, money, STATUS_LABEL, type BookingDto, type BookingStatus } from './api.js';
import './bookings.css';

export function BookingBadge({ status }: { status: BookingStatus }) {
  return <span class={`badge booking-${status}`}>{STATUS_LABEL[status]}</span>;
}

function PaymentForm({ b, onDone }: { b: BookingDto; onDone: () => void }) {
  const [kind, setKind] = useState<'payment' | 'refund'>('payment');
  const [method, setMethod] = useState('bank transfer');
  const [reference, setReference] = useState('');
  const [amount, setAmount] = useState(((b.priceCents - b.paidCents) / 100).toFixed(2));
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await bookingsApi.pay(b.id, { kind, method, reference, amountCents: Math.round(Number(amount.replace(',', '.')) * 100), currency: b.currency });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form class="inline-row payment-form" onSubmit={submit} aria-label={`Record a payment for ${b.guestName}`}>
      <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'payment' | 'refund')}>
        <option value="payment">Payment</option>
        <option value="refund">Refund</option>
      </select>
      <input aria-label="Method" value={method} onInput={(e) => setMethod(e.currentTarget.value)} />
      <input aria-label="Reference" placeholder="Reference" value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
      <input aria-label={`Amount (${b.currency})`} class="price" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      <button class="btn btn-primary btn-small" type="submit">
        Record
      </button>
      {error && <Alert tone="error">{error}</Alert>}
    </form>
  );
}

export function MeetingRow({ b, zone, host, onChange }: { b: BookingDto; zone: string; host: boolean; onChange?: () => void }) {
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      onChange?.();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const past = Date.parse(b.start) <= Date.now();
  const live = b.status === 'confirmed' || b.status === 'pending_payment';
  return (
    <li class="meeting-row">
      <div class="meeting-main">
        <strong>
          {formatWhen(b.start, zone)} – {hhmmIn(b.end, zone)}
        </strong>
        <span>{host ? `${b.guestName} · ${b.guestEmail}` : `with ${b.hostName}`}</span>
        {b.notes && <span class="muted small">{b.notes}</span>}
        {b.cancelReason && <span class="muted small">Cancelled by {b.cancelledBy}: {b.cancelReason}</span>}
      </div>
      <div class="meeting-side">
        <BookingBadge status={b.status} />
        <span class="small">
          {money(b.priceCents, b.currency)}
          {b.priceCents > 0 && ` · paid ${money(b.paidCents, b.currency)}`}
        </span>
        {onChange && (
          <div class="inline-row">
            {live && (
              <button type="button" class="btn btn-ghost btn-small" onClick={() => act(() => bookingsApi.cancel(b.id, window.prompt('Reason for cancelling?') ?? ''))}>
                Cancel
              </button>
            )}
            {host && past && b.status !== 'cancelled' && (
              <>
                <button type="button" class="btn btn-ghost btn-small" onClick={() => act(() => bookingsApi.mark(b.id, 'completed'))}>
                  Completed
                </button>
                <button type="button" class="btn btn-ghost btn-small" onClick={() => act(() => bookingsApi.mark(b.id, 'no_show'))}>
                  No-show
                </button>
              </>
            )}
            {host && b.priceCents > 0 && (
              <button type="button" class="btn btn-secondary btn-small" onClick={() => setPaying(!paying)}>
                Payment…
              </button>
            )}
          </div>
        )}
      </div>
      {paying && (
        <PaymentForm
          b={b}
          onDone={() => {
            setPaying(false);
            onChange?.();
          }}
        />
      )}
      {error && <Alert tone="error">{error}</Alert>}
    </li>
  );
}

export function MeetingsPage() {
  const { user } = useStore(authStore);
  const canHost = user?.role !== 'student';
  const [role, setRole] = useState<'host' | 'guest'>(canHost ? 'host' : 'guest');
  const [status, setStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<BookingDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const zone = user?.timezone && user.timezone !== 'UTC' ? user.timezone : browserTimeZone();
  const load = useCallback(async () => {
    try {
      setRows(
        await bookingsApi.list({
          role,
          status: status || undefined,
          from: from ? wallTimeToIso(`${from}T00:00`, zone) : undefined,
          to: to ? wallTimeToIso(`${to}T23:59`, zone) : undefined,
        }),
      );
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [role, status, from, to, zone]);
  useEffect(() => void load(), [load]);
  return (
    <>
      <div class="page-head">
        <h1>Meetings</h1>
        <p class="muted">Booked office hours, newest first. Times in {zone}.</p>
      </div>
      <div class="card inline-row filters" role="search">
        {canHost && (
          <div class="field">
            <label for="m-role">As</label>
            <select id="m-role" value={role} onChange={(e) => setRole(e.currentTarget.value as 'host' | 'guest')}>
              <option value="host">Host</option>
              <option value="guest">Guest</option>
            </select>
          </div>
        )}
        <SelectField id="m-status" label="Status" value={status} onValue={setStatus} blank="All" options={(Object.keys(STATUS_LABEL) as BookingStatus[]).map((s) => [s, STATUS_LABEL[s]] as const)} />
        <div class="field">
          <label for="m-from">From</label>
          <input id="m-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="m-to">To</label>
          <input id="m-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      <section class="card">
        {rows === null ? (
          <p class="muted">Loading…</p>
        ) : rows.length === 0 ? (
          <p class="muted">No meetings match.</p>
        ) : (
          <ul class="meeting-list">
            {rows.map((b) => (
              <MeetingRow key={b.id} b={b} zone={zone} host={role === 'host'} onChange={() => void load()} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
