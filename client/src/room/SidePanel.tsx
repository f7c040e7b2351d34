import { useState } from 'preact/hooks';
import { ChatPanel } from '../chat/ChatPanel.js';
import { QUALITY_TEXT } from './quality.js';
import { RemoveDialog } from './RemoveDialog.js';
import type { RoomClient } from './RoomClient.js';
import type { RoomSnapshot } from './roomTypes.js';
import { WebinarPeople } from './WebinarPeople.js';

interface SidePanelProps {
  client: RoomClient;
  snap: RoomSnapshot;
  onClose: () => void;
  /** Shows the session's chat below the people. */
  sessionId?: string;
}

/** Lobby (hosts) and participants, with Admit/Deny, Mute/Remove and Mute all for hosts. */
export function SidePanel({ client, snap, onClose, sessionId }: SidePanelProps) {
  const host = snap.isHost;
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  return (
    <aside id="room-panel" class="room-panel" aria-label="People">
      <div class="panel-head">
        <h2>People</h2>
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          Close
        </button>
      </div>

      {host && (
        <section aria-labelledby="lobby-heading" class="panel-section">
          <h3 id="lobby-heading">
            Lobby <span class="count">{snap.lobby.length}</span>
          </h3>
          {snap.lobby.length === 0 ? (
            <p class="muted small">Nobody is waiting.</p>
          ) : (
            <ul class="people">
              {snap.lobby.map((e) => (
                <li key={e.peerId} class="person" aria-label={e.displayName}>
                  <span class="person-name">{e.displayName}</span>
                  <span class="person-actions">
                    <button type="button" class="btn btn-small btn-primary" onClick={() => void client.admit(e.peerId)}>
                      Admit
                    </button>
                    <button type="button" class="btn btn-small btn-secondary" onClick={() => void client.deny(e.peerId)}>
                      Deny
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <section aria-labelledby="people-heading" class="panel-section">
        <div class="panel-row">
          <h3 id="people-heading">
            In the room <span class="count">{snap.peopleCount}</span>
          </h3>
          {host && snap.peers.length > 0 && (
            <button type="button" class="btn btn-small btn-secondary" onClick={() => void client.muteAll()}>
              Mute all
            </button>
          )}
        </div>
        {snap.webinar ? (
          <>
            <p class="person">
              <span class="person-name">
                {snap.displayName || 'You'} <span class="muted">(you{snap.canPublish ? '' : ', viewer'})</span>
              </span>
            </p>
            <WebinarPeople client={client} snap={snap} />
          </>
        ) : (
          <ul class="people">
            <li class="person">
              <span class="person-name">
                {snap.displayName || 'You'} <span class="muted">(you)</span>
              </span>
              <span class="person-state">{snap.local.micOn ? 'Mic on' : 'Muted'}</span>
            </li>
            {snap.peers.map((p) => (
              <li key={p.peerId} class="person" aria-label={p.displayName}>
                <span class="person-name">
                  {p.displayName}
                  {p.role === 'host' && <span class="muted"> (host)</span>}
                  {p.role === 'cohost' && <span class="muted"> (co-host)</span>}
                </span>
                <span class="person-state">{p.micOn ? 'Mic on' : 'Muted'}</span>
                {host && p.reportedQuality && p.reportedQuality !== 'good' && (
                  <span class={`person-quality quality-${p.reportedQuality}`} data-quality={p.reportedQuality}>
                    {QUALITY_TEXT[p.reportedQuality]}
                  </span>
                )}
                {host && (
                  <span class="person-actions">
                    <button type="button" class="btn btn-small btn-secondary" onClick={() => void client.mutePeer(p.peerId)}>
                      Mute
                    </button>
                    <button type="button" class="btn btn-small btn-danger-outline" aria-haspopup="dialog" onClick={() => setRemoving({ id: p.peerId, name: p.displayName })}>
                      Remove<span class="visually-hidden"> {p.displayName}</span>
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {removing && <RemoveDialog peer={removing} sessionId={sessionId} remove={client.removePeer} onDone={() => setRemoving(null)} />}
      {sessionId && <ChatPanel sessionId={sessionId} />}
    </aside>
  );
}
