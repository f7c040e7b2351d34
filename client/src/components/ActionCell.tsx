/** A table cell with one small button, for a row's action (retry, correct …). */
export function ActionCell({ label, onClick, ariaLabel, ghost = false }: { label: string; onClick: () => void; ariaLabel?: string; ghost?: boolean }) {
  return (
    <td>
      <button type="button" class={ghost ? 'btn btn-ghost btn-small' : 'btn btn-small'} aria-label={ariaLabel} onClick={onClick}>
        {label}
      </button>
    </td>
  );
}
