import { useState } from 'preact/hooks';
import { EndSessionDialog } from '../components/EndSessionDialog.js';
import { Icon } from '../components/icons.js';
import { MoreMenu, type MenuItem } from './MoreMenu.js';
import { publishControls } from './publishControls.js';
import type { RoomClient } from './RoomClient.js';
import type { RoomSnapshot } from './roomTypes.js';

interface ControlBarProps {
  client: RoomClient;
  snap: RoomSnapshot;
  panelOpen: boolean;
  onTogglePanel: () => void;
}

/**
 * Microphone, Camera, Share screen, Participants, Leave, and End session for hosts; on a phone the last two of those go into More.
 * A webinar viewer (not promoted) gets no Microphone, Camera or Share screen, and a "Viewer" badge instead.
 */
export function ControlBar({ client, snap, panelOpen, onTogglePanel }: ControlBarProps) {
  const { local } = snap;
  const joined = snap.phase === 'joined';
  const waiting = snap.lobby.length;
  const [confirmEnd, setConfirmEnd] = useState(false);
  const show = publishControls(snap);
  // On a phone the roomy controls (class ctl-roomy) are hidden and offered here instead.
  const more: MenuItem[] = [
    ...(show.screen
      ? [{ label: local.screenOn ? 'Stop sharing' : 'Share screen', onSelect: () => void client.toggleScreen(), disabled: !joined && !local.screenOn }]
      : []),
    ...(snap.isHost ? [{ label: 'End session for everyone', onSelect: () => setConfirmEnd(true), danger: true }] : []),
  ];
  return (
    <div class="control-bar" role="toolbar" aria-label="Call controls">
      <div class="control-group">
        {show.viewerBadge && (
          <span class="ctl-viewer" role="status" title="In this webinar only presenters speak and show video; the host can promote you.">
            Viewer
          </span>
        )}
        {show.mic && (
          <button type="button" class="ctl ctl-av" aria-pressed={local.micOn} onClick={() => void client.toggleMic()}>
            <Icon name={local.micOn ? 'mic' : 'micOff'} />
            <span class="ctl-label">Microphone</span>
          </button>
        )}
        {show.camera && (
          <button type="button" class="ctl ctl-av" aria-pressed={local.cameraOn} onClick={() => void client.toggleCamera()}>
            <Icon name={local.cameraOn ? 'camera' : 'cameraOff'} />
            <span class="ctl-label">Camera</span>
          </button>
        )}
        {show.screen && (
          <button type="button" class={`ctl ctl-roomy${local.screenOn ? ' ctl-on' : ''}`} onClick={() => void client.toggleScreen()} disabled={!joined && !local.screenOn}>
            <Icon name="screen" />
            <span class="ctl-label">{local.screenOn ? 'Stop sharing' : 'Share screen'}</span>
          </button>
        )}
        <button type="button" class="ctl" aria-expanded={panelOpen} aria-controls={panelOpen ? "room-panel" : undefined} onClick={onTogglePanel}>
          <Icon name="people" />
          <span class="ctl-label">Participants</span>
          {snap.isHost && waiting > 0 ? (
            <span class="ctl-badge">{waiting} waiting</span>
          ) : (
            <span class="ctl-count" aria-hidden="true">
              {snap.peopleCount}
            </span>
          )}
        </button>
      </div>
      <div class="control-group">
        <button type="button" class="ctl ctl-leave" onClick={() => void client.leave()}>
          <Icon name="leave" />
          <span class="ctl-label">Leave</span>
        </button>
        {snap.isHost && (
          <button type="button" class="ctl ctl-danger ctl-roomy" aria-haspopup="dialog" onClick={() => setConfirmEnd(true)}>
            <Icon name="end" />
            <span class="ctl-label">End session</span>
          </button>
        )}
        {more.length > 0 && <MoreMenu items={more} />}
      </div>
      {confirmEnd && (
        <EndSessionDialog title="End the session for everyone?" onClose={() => setConfirmEnd(false)} onEnd={client.endSession}>
          Everyone is disconnected, join links stop working and attendance is closed. To go without ending it, use Leave.
        </EndSessionDialog>
      )}
    </div>
  );
}
