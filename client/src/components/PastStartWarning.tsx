import { wallTimeToIso } from '../time.js';

/** Warns (without blocking) when the chosen start lies in the past. */
export function PastStartWarning({ id, when, timezone }: { id: string; when: string; timezone: string }) {
  let past = false;
  try {
    past = Boolean(when) && Date.parse(wallTimeToIso(when, timezone)) < Date.now() - 60_000;
  } catch {
    past = false;
  }
  if (!past) return null;
  return (
    <span id={id} class="field-warn small" role="status">
      This start time is in the past. Check the date, or use “Start instant session” to begin now.
    </span>
  );
}
