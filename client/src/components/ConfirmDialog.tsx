// A modal question before something that cannot be undone: a native <dialog> (focus is
// kept inside, Escape cancels), the confirm button named after the action.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

interface ConfirmDialogProps {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  /** null: no cancel button (a dialog that only informs; Escape still closes it). */
  cancelLabel?: string | null;
  danger?: boolean;
  /** A free-text field in the dialog (e.g. a cancellation reason), passed to onConfirm. */
  reasonLabel?: string;
  onConfirm: (reason: string) => void | Promise<void>;
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, cancelLabel = 'Keep it', danger, reasonLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onConfirm(reason.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="confirm-dialog" aria-labelledby="confirm-title" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form method="dialog" onSubmit={confirm}>
        <h2 id="confirm-title">{title}</h2>
        {children && <div class="confirm-body">{children}</div>}
        {reasonLabel && (
          <div class="field">
            <label for="confirm-reason">{reasonLabel}</label>
            <textarea id="confirm-reason" rows={3} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
        )}
        <div class="confirm-actions">
          {cancelLabel !== null && (
            <button type="button" class="btn" onClick={onCancel} disabled={busy}>
              {cancelLabel}
            </button>
          )}
          <button type="submit" class={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
