import { CopyButton } from '../components/CopyButton.js';
import { Icon } from '../components/icons.js';
import { activeCode, joinUrl } from '../sessions.js';
import type { RoomClient } from './RoomClient.js';
import type { RoomSnapshot } from './roomTypes.js';

/** Session title, state badges (the recording indicator is a status), and the host's "Lock room", "Record" and "Copy link". */
export function RoomTopBar({ client, snap, sessionId }: { client: RoomClient; snap: RoomSnapshot; sessionId: string }) {
  const locked = snap.session?.locked ?? false;
  const recording = snap.session?.recording ?? false;
  return (
    <header class="room-top">
      <div class="room-title">
        <span class="brand-mark small" aria-hidden="true">
          L
        </span>
        <h1>{snap.session?.title ?? 'Lectern room'}</h1>
        {locked && <span class="pill">Locked</span>}
        <span role="status" class="rec-status">
          {snap.session?.recording && <span class="pill pill-rec">● Recording</span>}
        </span>
      </div>
      {snap.isHost && (
        <div class="room-host-tools">
          <button type="button" class={`ctl ctl-small${locked ? ' ctl-on' : ''}`} onClick={() => void client.setLocked(!locked)}>
            <Icon name={locked ? 'lock' : 'unlock'} size={18} />
            <span class="ctl-label">{locked ? 'Unlock room' : 'Lock room'}</span>
          </button>
          <button type="button" class={`ctl ctl-small${recording ? ' ctl-rec-on' : ''}`} onClick={() => void client.setRecording(!recording)}>
            <Icon name="record" size={18} />
            <span class="ctl-label">{recording ? 'Stop recording' : 'Record'}</span>
          </button>
          <CopyButton class="ctl ctl-small" label="Copy link" text={async () => joinUrl(await activeCode(sessionId))} />
        </div>
      )}
    </header>
  );
}
