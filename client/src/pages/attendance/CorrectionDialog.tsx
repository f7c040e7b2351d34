// The teacher's correction dialog: mark a participant excused (with a note), present,
// late or absent, or go back to what was captured. Every change is audited server-side.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import type { CorrectableStatus, ParticipantRecord } from '@lectern/server/contract/attendance';
import { clearCorrection, correct } from './attendanceApi.js';
import { STATUS_LABEL } from './format.js';

const CHOICES: CorrectableStatus[] = ['excused', 'present', 'late', 'absent'];

export function CorrectionDialog(props: { sessionId: string; participant: ParticipantRecord; onDone: (p: ParticipantRecord | null) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const p = props.participant;
  const [status, setStatus] = useState<CorrectableStatus>(p.status === 'present' || p.status === 'late' || p.status === 'absent' ? (p.corrected ? p.status : 'excused') : 'excused');
  const [note, setNote] = useState(p.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  const run = async (fn: () => Promise<ParticipantRecord>) => {
    setBusy(true);
    setError(null);
    try {
      props.onDone(await fn());
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} class="att-dialog" aria-labelledby="att-dialog-title" onClose={() => props.onDone(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => correct(props.sessionId, p.participantId, status, note));
        }}
      >
        <h2 id="att-dialog-title">Attendance of {p.name}</h2>
        <p class="muted small">
          Captured: {STATUS_LABEL[p.computedStatus]}
          {p.corrected ? ` · now ${STATUS_LABEL[p.status]} (corrected)` : ''}
        </p>
        <fieldset>
          <legend class="visually-hidden">Status</legend>
          {CHOICES.map((c) => (
            <label key={c} class="radio">
              <input type="radio" name="status" value={c} checked={status === c} onChange={() => setStatus(c)} /> {STATUS_LABEL[c]}
            </label>
          ))}
        </fieldset>
        <label class="field">
          <span>Note{status === 'excused' ? ' (required for an excuse)' : ''}</span>
          <textarea rows={3} maxLength={1000} value={note} required={status === 'excused'} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        {error && <Alert tone="error">{error}</Alert>}
        <div class="actions">
          {p.corrected && (
            <button type="button" class="btn btn-ghost" disabled={busy} onClick={() => void run(() => clearCorrection(props.sessionId, p.participantId))}>
              Use captured status
            </button>
          )}
          <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
}
