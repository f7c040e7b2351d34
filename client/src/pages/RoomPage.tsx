import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api.js';
import { authStore } from '../auth.js';
import { RoomClient, type RoomStats } from '../room/RoomClient.js';
import { RoomView } from '../room/RoomView.js';
import { StatusScreen } from '../room/StatusScreen.js';
import { loadPass, loadPrefs, markEnded, savePass, takeHandOffStream, wasEnded } from '../roomPass.js';
import type { Params } from '../router.js';
import { roomTokenFor } from '../sessions.js';
import { useStore } from '../store.js';

declare global {
  interface Window {
    /** Test and diagnostics hook. */
    __lectern?: { readonly peerId: string | null; readonly phase: string; stats(): Promise<RoomStats> };
  }
}

/** A room token for this tab: the stored pass, else (signed in) a fresh one from the API. */
async function obtainToken(sessionId: string, signedIn: boolean): Promise<string | null> {
  const pass = loadPass(sessionId);
  if (pass) return pass.roomToken;
  if (!signedIn) return null;
  const { roomToken } = await roomTokenFor(sessionId);
  savePass({ sessionId, roomToken });
  return roomToken;
}

/** `/room/:sessionId`: connects with the room token from the join step (kept in sessionStorage). */
export function RoomPage({ params }: { params: Params }) {
  const sessionId = params.sessionId ?? '';
  const auth = useStore(authStore);
  const [client, setClient] = useState<RoomClient | null>(null);
  const [problem, setProblem] = useState<{ title: string; text: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const signedIn = auth.status === 'signedIn';

  useEffect(() => {
    if (auth.status === 'unknown') return;
    let cancelled = false;
    let room: RoomClient | null = null;
    setProblem(null);
    if (wasEnded(sessionId) && attempt === 0) {
      setProblem({ title: 'This session has ended', text: 'Thanks for taking part.' });
      return;
    }
    void (async () => {
      let token: string | null;
      try {
        token = await obtainToken(sessionId, signedIn);
      } catch (err) {
        if (cancelled) return;
        const ended = err instanceof ApiError && (err.status === 410 || err.code === 'session_ended');
        const missing = err instanceof ApiError && err.status === 404;
        setProblem(
          ended
            ? { title: 'This session has ended', text: 'It is no longer possible to join this session.' }
            : missing
              ? { title: 'This session is not available', text: 'It may have ended, or you are not one of its participants.' }
              : { title: 'Could not enter the room', text: errorMessage(err) },
        );
        return;
      }
      if (cancelled) return;
      if (!token) {
        setProblem({ title: 'You need a join link', text: 'Open the link or code you were given to join this session.' });
        return;
      }
      const displayName = loadPass(sessionId)?.displayName;
      room = new RoomClient({
        sessionId,
        token,
        prefs: loadPrefs(),
        handoff: takeHandOffStream(),
        onToken: (roomToken) => savePass({ sessionId, roomToken, ...(displayName ? { displayName } : {}) }),
        renewToken: async () => {
          if (authStore.get().status !== 'signedIn') return null;
          const { roomToken } = await roomTokenFor(sessionId);
          return roomToken;
        },
        onEnded: () => markEnded(sessionId),
      });
      const r = room;
      window.__lectern = {
        get peerId() {
          return r.peerId;
        },
        get phase() {
          return r.get().phase;
        },
        stats: () => r.stats(),
      };
      setClient(room);
      room.start();
    })();
    return () => {
      cancelled = true;
      room?.close();
      delete window.__lectern;
      setClient(null);
    };
    // Rebuild only for a new session, a new attempt, or once auth is known.
  }, [sessionId, attempt, auth.status === 'unknown', signedIn]);

  if (problem) {
    return (
      <StatusScreen title={problem.title}>
        <p>{problem.text}</p>
      </StatusScreen>
    );
  }
  if (!client) {
    return (
      <div class="room-status">
        <p role="status">Opening the room…</p>
      </div>
    );
  }
  return <RoomView key={attempt} client={client} sessionId={sessionId} onRejoin={() => setAttempt((a) => a + 1)} />;
}
