interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: T;
  onValue: (v: T) => void;
  /** The choices as [value, label] pairs. */
  options: readonly (readonly [T, string])[];
  /** A first choice with the value '' and this label ("All", "No course"). */
  blank?: string;
  /** Classes beside `field` on the box (e.g. `field-narrow`). */
  extraClass?: string;
}

/** A labelled select in a `.field` box. */
export function SelectField<T extends string>({ id, label, value, onValue, options, blank, extraClass }: SelectFieldProps<T>) {
  return (
    <div class={extraClass ? `field ${extraClass}` : 'field'}>
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onValue(e.currentTarget.value as T)}>
        <Options options={options} blank={blank} />
      </select>
    </div>
  );
}

/** A select's options from [value, label] pairs, after a '' choice labelled `blank` when given. */
export function Options({ options, blank }: { options: readonly (readonly [string, string])[]; blank?: string | undefined }) {
  return (
    <>
      {blank !== undefined && <option value="">{blank}</option>}
      {options.map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
    </>
  );
}

/** Time zone choices, the zone's id as value; `readable` shows underscores as spaces. */
export const zoneOptions = (zones: readonly string[], readable = false): [string, string][] => zones.map((z) => [z, readable ? z.replaceAll('_', ' ') : z]);
