// Reschedule one occurrence, or cancel one / this and following / the whole series, with a reason.
import { useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { wallTimeToIso } from '../../time.js';
import { ScopeSelect } from './ScopeSelect.js';
import { schedule, type FullSession, type Scope } from './scheduleApi.js';

function wallValue(iso: string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function SessionChanges({ session, onChange }: { session: FullSession; onChange: () => void }) {
  const [when, setWhen] = useState(wallValue(session.scheduledAt, session.timezone));
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState<Scope>('one');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  if (session.status !== 'scheduled') return null;
  const act = async (fn: () => Promise<string>) => {
    setError(null);
    setDone(null);
    try {
      setDone(await fn());
      onChange();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card stack" aria-labelledby="chg-heading">
      <h2 id="chg-heading">Change</h2>
      <div class="field">
        <label for="chg-reason">Reason (shown to invitees)</label>
        <input id="chg-reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="chg-when">New time ({session.timezone.replaceAll('_', ' ')})</label>
        <input id="chg-when" type="datetime-local" value={when} onInput={(e) => setWhen(e.currentTarget.value)} />
      </div>
      <div>
        <button
          type="button"
          class="btn btn-small btn-secondary"
          onClick={() => void act(async () => (await schedule.reschedule(session.id, { scheduledAt: wallTimeToIso(when, session.timezone), reason }), 'Rescheduled.'))}
        >
          Reschedule this occurrence
        </button>
      </div>
      <div class="stack">
        {session.seriesId && <ScopeSelect value={scope} onChange={setScope} />}
        <div>
          <button type="button" class="btn btn-small btn-danger-outline" aria-haspopup="dialog" onClick={() => setConfirmCancel(true)}>
            Cancel session
          </button>
        </div>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      {confirmCancel && (
        <ConfirmDialog
          title={scope === 'one' ? `Cancel “${session.title}”?` : scope === 'following' ? 'Cancel this and the following sessions?' : 'Cancel the whole series?'}
          confirmLabel="Cancel session"
          cancelLabel="Keep it"
          danger
          reasonLabel="Reason (sent to the invitees)"
          onCancel={() => setConfirmCancel(false)}
          onConfirm={async (why) => {
            setConfirmCancel(false);
            await act(async () => `Cancelled ${(await schedule.cancel(session.id, why || reason, scope)).affected} session(s).`);
          }}
        >
          <p>Invitees are told at once, and the join links stop working.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
