// Cancel one occurrence, this and the following ones, or the whole series, with a reason
// (edits are in EditSession).
import { useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ScopeSelect } from './ScopeSelect.js';
import { schedule, type FullSession, type Scope } from './scheduleApi.js';

export function SessionChanges({ session, onChange }: { session: FullSession; onChange: () => void }) {
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
      <h2 id="chg-heading">Cancel</h2>
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
            await act(async () => `Cancelled ${(await schedule.cancel(session.id, why, scope)).affected} session(s).`);
          }}
        >
          <p>Invitees are told at once, and the join links stop working.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
