import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Icon } from '../components/icons.js';
import { startSession } from '../sessions.js';
import type { SessionInfo } from '@lectern/server/protocol';
import { useStore } from '../store.js';
import { formatDateTime } from '../time.js';
import { ControlBar } from './ControlBar.js';
import { Notices } from './Notices.js';
import { UnstableBanner } from './QualityIndicator.js';
import { RemoteAudio } from './RemoteAudio.js';
import type { RoomClient } from './RoomClient.js';
import { RoomTopBar } from './RoomTopBar.js';
import { SidePanel } from './SidePanel.js';
import { StatusScreen } from './StatusScreen.js';
import { VideoTile } from './VideoTile.js';

const WIDE = '(min-width: 960px)';

function columnsFor(count: number): number {
  if (count <= 1) return 1;
  if (count <= 4) return 2;
  if (count <= 9) return 3;
  if (count <= 16) return 4;
  return 5;
}

function gridStyle(count: number): Record<string, string> {
  const cols = columnsFor(count);
  return { '--cols': String(cols), '--rows': String(Math.ceil(count / cols)), '--cols-sm': count <= 2 ? '1' : '2' };
}

/** Before the host starts: what the session is, when it was planned, and that we go in by ourselves. */
function WaitingForStart({ session }: { session: SessionInfo | null }) {
  return (
    <div class="stack" role="status">
      <p class="lobby-text">Waiting for the host to start</p>
      <p class="muted">
        {session ? `“${session.title}” is planned for ${formatDateTime(session.scheduledAt)}. ` : ''}
        You will join automatically when the host starts the session. The host has been told you are here.
      </p>
    </div>
  );
}

/** For a host in the room before the start: the others wait until the session is started. */
function StartBanner({ sessionId }: { sessionId: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startSession(sessionId);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <div class="banner" role="status">
      <span>{error ? `Could not start: ${error}` : 'The session has not started: everyone else waits until you start it.'}</span>
      <button type="button" class="btn btn-small btn-primary" onClick={() => void start()} disabled={busy}>
        Start session
      </button>
    </div>
  );
}

/** The room: top bar, screen-share stage, video grid, control bar, people panel. */
export function RoomView({ client, sessionId, onRejoin }: { client: RoomClient; sessionId: string; onRejoin: () => void }) {
  const snap = useStore(client);
  const [panelOpen, setPanelOpen] = useState(() => window.matchMedia?.(WIDE).matches ?? true);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const lobbyCount = useRef(0);
  const onLayer = useCallback((consumerId: string, layer: number) => client.setPreferredLayers(consumerId, layer), [client]);
  const onBlocked = useCallback(() => setAudioBlocked(true), []);

  // The panel covers the video on narrow screens: close it when the window narrows.
  useEffect(() => {
    const mq = window.matchMedia?.(WIDE);
    if (!mq) return;
    const onChange = (e: MediaQueryListEvent) => {
      if (!e.matches) setPanelOpen(false);
    };
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);

  // Hosts see the lobby as soon as someone starts waiting.
  useEffect(() => {
    if (snap.isHost && snap.lobby.length > lobbyCount.current) setPanelOpen(true);
    lobbyCount.current = snap.lobby.length;
  }, [snap.isHost, snap.lobby.length]);

  useEffect(() => {
    if (snap.session?.title) document.title = `${snap.session.title} · Lectern`;
  }, [snap.session?.title]);

  switch (snap.phase) {
    case 'ended':
      return (
        <StatusScreen title="This session has ended">
          <p>Thanks for taking part.</p>
        </StatusScreen>
      );
    case 'left':
      return (
        <StatusScreen title="You left the session">
          <p>
            <button type="button" class="btn btn-primary" onClick={onRejoin}>
              Rejoin
            </button>
          </p>
        </StatusScreen>
      );
    case 'removed':
      return (
        <StatusScreen title="You were removed from this session">
          <p>{snap.message}</p>
        </StatusScreen>
      );
    case 'denied':
      return (
        <StatusScreen title="You were not let in">
          <p>{snap.message}</p>
        </StatusScreen>
      );
    case 'error':
      return (
        <StatusScreen title="Could not stay in the room">
          <p>{snap.message}</p>
          <p>
            <button type="button" class="btn btn-primary" onClick={onRejoin}>
              Try again
            </button>
          </p>
        </StatusScreen>
      );
    case 'connecting':
    case 'waiting':
    case 'lobby':
    case 'joining':
    case 'joined':
      break;
  }

  const inLobby = snap.phase === 'lobby' || snap.phase === 'waiting';
  const self = {
    name: snap.displayName || 'You',
    track: snap.local.cameraTrack,
  };
  const screens = [
    ...(snap.local.screenTrack
      ? [{ key: 'self-screen', peerId: snap.peerId ?? 'self', name: self.name, track: snap.local.screenTrack, consumerId: undefined, isSelf: true }]
      : []),
    ...snap.peers
      .filter((p) => p.screen)
      .map((p) => ({ key: `${p.peerId}-screen`, peerId: p.peerId, name: p.displayName, track: p.screen?.track ?? null, consumerId: p.screen?.consumerId, isSelf: false })),
  ];
  const tileCount = snap.peers.length + 1;

  return (
    <div class={`room ${panelOpen ? 'panel-open' : ''}`}>
      <RoomTopBar client={client} snap={snap} sessionId={sessionId} />
      {snap.reconnecting && (
        <div class="banner banner-warn" role="status">
          Reconnecting…
        </div>
      )}
      {snap.phase === 'joined' && <UnstableBanner level={snap.ownQuality} />}
      {snap.isHost && snap.phase === 'joined' && snap.session?.status === 'scheduled' && <StartBanner sessionId={sessionId} />}
      {audioBlocked && (
        <div class="banner">
          <span>Your browser blocked sound from the room.</span>
          <button
            type="button"
            class="btn btn-small btn-primary"
            onClick={() => {
              document.querySelectorAll<HTMLAudioElement>('audio.remote-audio').forEach((a) => void a.play().catch(() => undefined));
              setAudioBlocked(false);
            }}
          >
            <Icon name="sound" size={16} /> Enable sound
          </button>
        </div>
      )}
      <div class="room-body">
        <main id="main" class={`room-main ${screens.length ? 'has-stage' : ''}`}>
          {inLobby ? (
            <div class="lobby-wait">
              <div class="lobby-preview">
                <VideoTile name={self.name} peerId="self" source="webcam" track={self.track} isSelf micOn={snap.local.micOn} />
              </div>
              {snap.phase === 'waiting' ? (
                <WaitingForStart session={snap.session} />
              ) : (
                <p class="lobby-text" role="status">
                  Waiting for the host to let you in…
                </p>
              )}
            </div>
          ) : (
            <>
              {(snap.phase === 'connecting' || snap.phase === 'joining') && (
                <p class="room-connecting" role="status">
                  {snap.phase === 'connecting' ? 'Connecting…' : 'Joining the room…'}
                </p>
              )}
              {screens.length > 0 && (
                <section class="stage" aria-label="Shared screens">
                  {screens.map((s) => (
                    <VideoTile
                      key={s.key}
                      name={s.name}
                      peerId={s.peerId}
                      source="screen"
                      track={s.track}
                      consumerId={s.consumerId}
                      onLayer={onLayer}
                      isSelf={s.isSelf}
                    />
                  ))}
                </section>
              )}
              <section class="grid" aria-label="Participants' video" style={gridStyle(tileCount)}>
                <VideoTile
                  name={self.name}
                  peerId={snap.peerId ?? 'self'}
                  source="webcam"
                  track={self.track}
                  isSelf
                  micOn={snap.local.micOn}
                  speaking={snap.activeSpeaker !== null && snap.activeSpeaker === snap.peerId}
                  role={snap.role ?? undefined}
                  quality={snap.phase === 'joined' ? snap.ownQuality : null}
                />
                {snap.peers.map((p) => (
                  <VideoTile
                    key={p.peerId}
                    name={p.displayName}
                    peerId={p.peerId}
                    source="webcam"
                    track={p.camera?.track ?? null}
                    consumerId={p.camera?.consumerId}
                    onLayer={onLayer}
                    micOn={p.micOn}
                    paused={p.camera?.paused}
                    speaking={snap.activeSpeaker === p.peerId}
                    role={p.role}
                    quality={p.quality}
                  />
                ))}
              </section>
            </>
          )}
          {snap.peers.map((p) => p.audio && <RemoteAudio key={p.audio.consumerId} track={p.audio.track} peerId={p.peerId} onBlocked={onBlocked} />)}
        </main>
        {panelOpen && !inLobby && <SidePanel client={client} snap={snap} sessionId={sessionId} onClose={() => setPanelOpen(false)} />}
      </div>
      <ControlBar client={client} snap={snap} panelOpen={panelOpen && !inLobby} onTogglePanel={() => setPanelOpen((o) => !o)} />
      <Notices notices={snap.notices} client={client} />
    </div>
  );
}
