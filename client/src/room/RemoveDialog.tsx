// Removing someone from the room. A guest who came by code could come back under a new
// name: the server sends new guests to the lobby from then on, and the host may also
// replace the join code here, so the link the guest has stops working.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { CopyButton } from '../components/CopyButton.js';
import { replaceCodes } from '../sessions.js';
import type { JoinCode } from '../types.js';

/** Participant ids of people who joined by code without signing in (server: CODE_GUEST_PREFIX). */
const isCodeGuest = (peerId: string) => peerId.startsWith('guest:');

interface RemoveDialogProps {
  peer: { id: string; name: string };
  /** Set when the host can manage the session's join codes (signed in, session known). */
  sessionId?: string | undefined;
  remove: (peerId: string) => Promise<void>;
  onDone: () => void;
}

export function RemoveDialog({ peer, sessionId, remove, onDone }: RemoveDialogProps) {
  const guest = isCodeGuest(peer.id);
  const [replace, setReplace] = useState(guest && sessionId !== undefined);
  const [fresh, setFresh] = useState<JoinCode | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (fresh || error) {
    return (
      <ConfirmDialog title={fresh ? 'The join code was replaced' : 'The join code was not replaced'} confirmLabel="Done" cancelLabel={null} onConfirm={onDone} onCancel={onDone}>
        {fresh ? (
          <>
            <p>The old link no longer works. Share the new one with the people who should join:</p>
            <p>
              <code class="code-inline">{fresh.url}</code>
            </p>
            <CopyButton text={fresh.url} label="Copy the new link" />
          </>
        ) : (
          <Alert tone="error">{error}</Alert>
        )}
      </ConfirmDialog>
    );
  }

  return (
    <ConfirmDialog
      title={`Remove ${peer.name} from the session?`}
      confirmLabel="Remove"
      danger
      onCancel={onDone}
      onConfirm={async () => {
        await remove(peer.id);
        if (!replace || !sessionId) return onDone();
        try {
          setFresh((await replaceCodes(sessionId)).code);
        } catch (err) {
          setError(`${peer.name} was removed, but a new code could not be made: ${errorMessage(err)}`);
        }
      }}
    >
      <p>They leave the room at once.</p>
      {guest && (
        <>
          <p>They joined by code as a guest. From now on, new guests wait in the lobby until you let them in, so they cannot come back under another name.</p>
          {sessionId && (
            <label class="check">
              <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
              Also replace the join code (the link they have stops working; you share the new one)
            </label>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}
