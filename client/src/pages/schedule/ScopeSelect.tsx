import type { Scope } from './scheduleApi.js';

/** Which occurrences of a series a change applies to. */
export function ScopeSelect({ value, onChange }: { value: Scope; onChange: (scope: Scope) => void }) {
  return (
    <select aria-label="Which occurrences" value={value} onChange={(e) => onChange(e.currentTarget.value as Scope)}>
      <option value="one">This occurrence</option>
      <option value="following">This and following</option>
      <option value="all">Whole series</option>
    </select>
  );
}
