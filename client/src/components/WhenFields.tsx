import { PastStartWarning } from './PastStartWarning.js';

/**
 * The start (a local date and time in `timezone`) and the duration in minutes of a session,
 * `${idPrefix}-when` and `${idPrefix}-duration`, with a warning when the start is in the past.
 */
export function WhenFields({
  idPrefix,
  when,
  onWhen,
  duration,
  onDuration,
  timezone,
}: {
  idPrefix: string;
  when: string;
  onWhen: (v: string) => void;
  duration: number;
  onDuration: (v: number) => void;
  timezone: string;
}) {
  return (
    <>
      <div class="field field-when">
        <label for={`${idPrefix}-when`}>Date and start time</label>
        <input id={`${idPrefix}-when`} type="datetime-local" required value={when} onInput={(e) => onWhen(e.currentTarget.value)} />
        <PastStartWarning id={`${idPrefix}-when-past`} when={when} timezone={timezone} />
      </div>
      <div class="field field-narrow">
        <label for={`${idPrefix}-duration`}>Duration (minutes)</label>
        <input id={`${idPrefix}-duration`} type="number" min={5} max={1440} step={5} required value={duration} onInput={(e) => onDuration(Number(e.currentTarget.value))} />
      </div>
    </>
  );
}
