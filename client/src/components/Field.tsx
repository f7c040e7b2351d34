import type { JSX } from 'preact';

interface FieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'id'> {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  /** A problem with this field, in words; linked with aria-describedby. */
  error?: string | null | undefined;
}

/** A labelled input with an optional hint and its own error message. */
export function Field({ id, label, value, onValue, hint, error, ...rest }: FieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <input id={id} value={value} onInput={(e) => onValue(e.currentTarget.value)} aria-invalid={error ? true : undefined} aria-describedby={described} {...rest} />
      {hint && (
        <span id={`${id}-hint`} class="muted small">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} class="field-error small">
          {error}
        </span>
      )}
    </div>
  );
}
