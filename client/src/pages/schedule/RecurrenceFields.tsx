// The recurrence part of the schedule form.
import { SelectField } from '../../components/SelectField.js';
import { WEEKDAY_CODES, WEEKDAY_NAMES, type RecurrenceOptions, type Repeat } from './recurrenceRule.js';

const REPEATS: [Repeat, string][] = [
  ['none', 'Does not repeat'],
  ['daily', 'Daily'],
  ['weekly', 'Weekly on chosen days'],
  ['biweekly', 'Every other week on chosen days'],
  ['monthly_day', 'Monthly on a day of the month'],
  ['monthly_nth', 'Monthly on the nth weekday'],
];
const NTHS: [number, string][] = [
  [1, 'first'],
  [2, 'second'],
  [3, 'third'],
  [4, 'fourth'],
  [5, 'fifth'],
  [-1, 'last'],
];

export function RecurrenceFields({ value, onChange }: { value: RecurrenceOptions; onChange: (next: RecurrenceOptions) => void }) {
  const set = (patch: Partial<RecurrenceOptions>) => onChange({ ...value, ...patch });
  const weekly = value.repeat === 'weekly' || value.repeat === 'biweekly';
  return (
    <fieldset class="field recurrence">
      <legend>Repeat</legend>
      <SelectField id="r-repeat" label="Repeats" value={value.repeat} onValue={(repeat) => set({ repeat })} options={REPEATS} />
      {weekly && (
        <div class="weekday-picks" role="group" aria-label="Weekdays">
          {WEEKDAY_CODES.map((d) => (
            <label key={d} class="chip-check">
              <input
                type="checkbox"
                checked={value.weekdays.includes(d)}
                onChange={(e) => set({ weekdays: e.currentTarget.checked ? [...value.weekdays, d] : value.weekdays.filter((x) => x !== d) })}
              />
              {WEEKDAY_NAMES[d]}
            </label>
          ))}
        </div>
      )}
      {value.repeat === 'monthly_day' && (
        <div class="field field-narrow">
          <label for="r-monthday">Day of the month</label>
          <select id="r-monthday" value={String(value.monthDay)} onChange={(e) => set({ monthDay: Number(e.currentTarget.value) })}>
            {Array.from({ length: 31 }, (_, i) => (
              <option key={i + 1} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
            <option value="-1">Last day</option>
          </select>
          {value.monthDay > 28 && <p class="muted small">Months without day {value.monthDay} are skipped.</p>}
        </div>
      )}
      {value.repeat === 'monthly_nth' && (
        <div class="field-row">
          <div class="field field-narrow">
            <label for="r-nth">Which</label>
            <select id="r-nth" value={String(value.nth)} onChange={(e) => set({ nth: Number(e.currentTarget.value) })}>
              {NTHS.map(([v, l]) => (
                <option key={v} value={String(v)}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <SelectField
            id="r-nthday"
            label="Weekday"
            extraClass="field-narrow"
            value={value.nthWeekday}
            onValue={(nthWeekday) => set({ nthWeekday })}
            options={WEEKDAY_CODES.map((d) => [d, WEEKDAY_NAMES[d]] as const)}
          />
        </div>
      )}
      {value.repeat !== 'none' && (
        <div class="field-row">
          <label class="radio">
            <input type="radio" name="r-end" checked={value.end === 'count'} onChange={() => set({ end: 'count' })} />
            End after
          </label>
          <input
            type="number"
            class="input-count"
            aria-label="Number of sessions"
            min={1}
            max={366}
            value={value.count}
            disabled={value.end !== 'count'}
            onInput={(e) => set({ count: Number(e.currentTarget.value) })}
          />
          <span class="muted small">sessions</span>
          <label class="radio">
            <input type="radio" name="r-end" checked={value.end === 'until'} onChange={() => set({ end: 'until' })} />
            End on
          </label>
          <input type="date" aria-label="Last date" value={value.until} disabled={value.end !== 'until'} onInput={(e) => set({ until: e.currentTarget.value })} />
        </div>
      )}
    </fieldset>
  );
}
