import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api.js';
import { authStore } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { DevicePreview, JoinHeading, JoinMediaHint } from '../components/DevicePreview.js';
import { usePreviewMedia } from '../media/usePreviewMedia.js';
import { carryIntoRoom, savePass } from '../roomPass.js';
import { navigate, type Params } from '../router.js';
import { joinWithCode } from '../sessions.js';
import { useStore } from '../store.js';
import type { CodePreview } from '@lectern/server/contract/rooms';
import { api } from '../api.js';

const NAME_KEY = 'lectern.displayName';

function storedName(): string {
  try {
    return sessionStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

/** `/j/:code`: name, camera and microphone preview, Join. */
export function JoinPage({ params }: { params: Params }) {
  const code = (params.code ?? '').trim();
  const { user } = useStore(authStore);
  const preview = usePreviewMedia();
  const [name, setName] = useState(() => user?.name ?? storedName());
  const [error, setError] = useState<string | null>(null);
  const [retryUntil, setRetryUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  // What the code opens, asked before anyone types: null while loading, 'dead' for a bad code.
  const [info, setInfo] = useState<CodePreview | 'dead' | null>(null);

  useEffect(() => {
    api
      .get<CodePreview>(`/api/join/${encodeURIComponent(code)}`, { anonymous: true, noRefresh: true })
      .then(setInfo)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) setInfo('dead');
      });
  }, [code]);

  useEffect(() => {
    if (!name && user?.name) setName(user.name);
  }, [user, name]);

  useEffect(() => nameRef.current?.focus(), []);

  // Fetch the room's code while the person types their name: joining then starts at once.
  useEffect(() => {
    void import('./RoomPage.js');
  }, []);

  // Count down a rate-limit wait.
  useEffect(() => {
    if (retryUntil <= Date.now()) return;
    const t = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= retryUntil) clearInterval(t);
    }, 1000);
    return () => clearInterval(t);
  }, [retryUntil]);

  const waitSeconds = Math.max(0, Math.ceil((retryUntil - now) / 1000));
  const rateMessage = waitSeconds > 0 ? `Too many attempts, try again in ${waitSeconds} seconds.` : null;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const displayName = name.trim();
    if (!displayName) {
      setError('Enter your name so others know who you are.');
      nameRef.current?.focus();
      return;
    }
    if (waitSeconds > 0) return;
    setBusy(true);
    setError(null);
    try {
      const res = await joinWithCode(code, displayName);
      try {
        sessionStorage.setItem(NAME_KEY, displayName);
      } catch {
        // Storage disabled.
      }
      savePass({ sessionId: res.sessionId, roomToken: res.roomToken, displayName });
      carryIntoRoom(preview);
      navigate(`/room/${encodeURIComponent(res.sessionId)}`);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 404) {
        setError('This code is not valid or has expired.');
      } else if (err instanceof ApiError && err.status === 429) {
        const seconds = err.retryAfter ?? 60;
        setRetryUntil(Date.now() + seconds * 1000);
        setNow(Date.now());
      } else if (err instanceof ApiError && err.status === 400) {
        setError(`Check your name: ${err.message}`);
      } else {
        setError(`Could not join: ${errorMessage(err)}`);
      }
    }
  };

  if (info === 'dead') {
    return (
      <div class="join-page">
        <div class="card narrow stack">
          <h1>This link does not work</h1>
          <p>
            The code <strong class="code-inline">{code}</strong> is not valid, has expired, or its session has ended. Ask the host for a new link.
          </p>
        </div>
      </div>
    );
  }

  return (
    <div class="join-page">
      <JoinHeading
        title={info ? `Join “${info.title}”` : 'Join a session'}
        hostName={info?.hostName}
        waitsUntil={info?.status === 'scheduled' ? info.scheduledAt : null}
      >
        Code <strong class="code-inline">{code}</strong> · check your camera and microphone, then join.
      </JoinHeading>
      <div class="join-grid">
        <DevicePreview preview={preview} />
        <form class="card stack join-form" onSubmit={onSubmit} noValidate>
          <div class="field">
            <label for="display-name">Your name</label>
            <input
              ref={nameRef}
              id="display-name"
              name="displayName"
              autocomplete="name"
              maxLength={80}
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </div>
          {error && <Alert tone="error">{error}</Alert>}
          {rateMessage && <Alert tone="error">{rateMessage}</Alert>}
          <button type="submit" class="btn btn-primary btn-large btn-block" disabled={busy || waitSeconds > 0}>
            Join
          </button>
          <p class="muted small">
            <JoinMediaHint preview={preview} /> The host may need to let you in.
          </p>
        </form>
      </div>
    </div>
  );
}
