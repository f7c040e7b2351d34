import type { ComponentChildren } from 'preact';
import { ConfirmDialog } from './ConfirmDialog.js';

interface EndSessionDialogProps {
  title: string;
  /** What ending does, in words. */
  children: ComponentChildren;
  /** Closes the dialog (on either answer). */
  onClose: () => void;
  /** Ends the session: called after the dialog has closed. */
  onEnd: () => Promise<unknown>;
}

/** "End … for everyone?": the question before a live session is ended for all in it. */
export function EndSessionDialog({ title, children, onClose, onEnd }: EndSessionDialogProps) {
  return (
    <ConfirmDialog
      title={title}
      confirmLabel="End for everyone"
      cancelLabel="Keep it running"
      danger
      onCancel={onClose}
      onConfirm={async () => {
        onClose();
        await onEnd();
      }}
    >
      <p>{children}</p>
    </ConfirmDialog>
  );
}
