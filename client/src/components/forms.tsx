// Pieces of a form: its submission (busy while it runs, then a success or error notice),
// per-field problems, and its end (the notice, then the submit button).
import { useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { wallTimeToIso } from '../time.js';
import { Alert } from './Alert.js';

export interface Notice {
  tone: 'error' | 'success';
  text: string;
}

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** Runs `work` (busy meanwhile); the text it returns is the success notice. A failure is the error
   *  notice: its message, after `failed` ("Could not …") when given. */
  const run = async (work: () => Promise<string>, failed?: string) => {
    setBusy(true);
    try {
      setNotice({ tone: 'success', text: await work() });
    } catch (err) {
      setNotice({ tone: 'error', text: failed ? `${failed}: ${errorMessage(err)}` : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, notice, run, fail: (text: string) => setNotice({ tone: 'error', text }), clear: () => setNotice(null) };
}

/** Per-field problems. `check` takes field → message (false where the field is fine), shows the
 *  messages under their fields and tells whether there were none. */
export function useFieldErrors(): [Record<string, string>, (checks: Record<string, string | false>) => boolean] {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const check = (checks: Record<string, string | false>) => {
    const found = Object.fromEntries(Object.entries(checks).filter((c): c is [string, string] => c[1] !== false));
    setErrors(found);
    return Object.keys(found).length === 0;
  };
  return [errors, check];
}

interface SubmitRowProps {
  notice: Notice | null;
  label: string;
  busy?: boolean;
  /** The button's name while busy (default: `label`). */
  busyLabel?: string;
}

/** A form's end: its notice, then the primary submit button (disabled while busy). */
export function SubmitRow({ notice, label, busy = false, busyLabel = label }: SubmitRowProps) {
  return (
    <>
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      <div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? busyLabel : label}
        </button>
      </div>
    </>
  );
}

/** A session form's title and start, checked: the trimmed title and the start as an ISO instant, or what to fix in words. */
export function titleAndStart(title: string, when: string, timezone: string): { title: string; scheduledAt: string } | { error: string } {
  if (!title.trim()) return { error: 'Give the session a title.' };
  try {
    return { title: title.trim(), scheduledAt: wallTimeToIso(when, timezone) };
  } catch {
    return { error: 'Choose a date and start time.' };
  }
}
