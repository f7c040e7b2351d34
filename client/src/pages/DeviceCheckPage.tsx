// `/room/:sessionId/check`: the signed-in user's last step before the room, the same
// camera and microphone check a guest gets on the join page. The room token was fetched
// by `enterRoom`; Join carries the choices and the live preview into the room.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { authStore } from '../auth.js';
import { DevicePreview, JoinHeading, JoinMediaHint } from '../components/DevicePreview.js';
import { Link } from '../components/Link.js';
import { usePreviewMedia } from '../media/usePreviewMedia.js';
import { carryIntoRoom } from '../roomPass.js';
import { navigate, type Params } from '../router.js';
import { useStore } from '../store.js';
import type { Session } from '../types.js';

export function DeviceCheckPage({ params }: { params: Params }) {
  const sessionId = params.sessionId ?? '';
  const { user } = useStore(authStore);
  const preview = usePreviewMedia();
  const [session, setSession] = useState<Session | null>(null);
  const joinButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    api
      .get<Session>(`/api/sessions/${encodeURIComponent(sessionId)}`)
      .then(setSession)
      .catch(() => setSession(null)); // the room itself says what is wrong
  }, [sessionId]);

  useEffect(() => joinButton.current?.focus(), []);

  // Fetch the room's code while the person checks their camera.
  useEffect(() => {
    void import('./RoomPage.js');
  }, []);

  const join = () => {
    carryIntoRoom(preview);
    navigate(`/room/${encodeURIComponent(sessionId)}`);
  };
  const waitsForHost = session?.status === 'scheduled' && session.hostId !== user?.id;

  return (
    <div class="join-page">
      <JoinHeading
        title={session ? `Join “${session.title}”` : 'Check your camera and microphone'}
        hostName={session?.hostName}
        waitsUntil={waitsForHost ? session.scheduledAt : null}
      >
        Check your camera and microphone, then join.
      </JoinHeading>
      <div class="join-grid">
        <DevicePreview preview={preview} />
        <div class="card stack join-form">
          <p>
            Joining as <strong>{user?.name ?? 'you'}</strong>
          </p>
          <button ref={joinButton} type="button" class="btn btn-primary btn-large btn-block" onClick={join}>
            Join now
          </button>
          <p class="muted small">
            <JoinMediaHint preview={preview} />
          </p>
          <Link href={session ? `/sessions/${encodeURIComponent(session.id)}` : '/'} class="btn btn-secondary btn-block">
            Back
          </Link>
        </div>
      </div>
    </div>
  );
}
