// A guest's private manage link: see the booking, cancel it, or move it to another free time.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import type { Params } from '../router.js';
import { browserTimeZone, formatWhen } from '../time.js';
import { bookingsApi, money, type BookingDto, type SlotDto } from './api.js';
import { SlotPicker } from './BookPage.js';
import { BookingBadge } from './MeetingsPage.js';
import './bookings.css';

export function ManageBookingPage({ params }: { params: Params }) {
  const token = params.token ?? '';
  const zone = browserTimeZone();
  const [b, setB] = useState<BookingDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);
  const [picked, setPicked] = useState<SlotDto | null>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    bookingsApi.byToken(token).then(setB, (err: unknown) => setError(errorMessage(err)));
  }, [token]);
  const run = async (f: () => Promise<BookingDto>) => {
    try {
      setB(await f());
      setMoving(false);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  if (!b) return error ? <Alert tone="error">{error}</Alert> : <p class="muted">Loading…</p>;
  const live = b.status === 'confirmed' || b.status === 'pending_payment';
  return (
    <>
      <div class="page-head">
        <h1>Your meeting with {b.hostName}</h1>
      </div>
      <section class="card stack">
        <p>
          <strong>{formatWhen(b.start, zone)}</strong> · {money(b.priceCents, b.currency)} <BookingBadge status={b.status} />
        </p>
        {b.cancelReason && <p class="muted">Cancelled by the {b.cancelledBy}: {b.cancelReason}</p>}
        {error && <Alert tone="error">{error}</Alert>}
        {!live && b.hostHandle && (
          <p>
            <a href={`/book/${b.hostHandle}`}>Book another time</a>
          </p>
        )}
        {live && (
          <div class="inline-row">
            <input aria-label="Reason (optional)" placeholder="Reason (optional)" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="button" class="btn btn-danger-outline" onClick={() => run(() => bookingsApi.cancelByToken(token, reason))}>
              Cancel meeting
            </button>
            {b.hostHandle && (
              <button type="button" class="btn btn-secondary" onClick={() => setMoving(!moving)}>
                Reschedule
              </button>
            )}
          </div>
        )}
      </section>
      {moving && b.hostHandle && (
        <section class="card stack">
          <SlotPicker handle={b.hostHandle} zone={zone} picked={picked} onPick={setPicked} refreshKey={0} />
          {picked && (
            <button type="button" class="btn btn-primary" onClick={() => run(() => bookingsApi.rescheduleByToken(token, picked.start))}>
              Move to {formatWhen(picked.start, zone)}
            </button>
          )}
        </section>
      )}
    </>
  );
}
