// Signed-in users enter their own session's room with a room token from the API, through
// the same camera and microphone check guests get (calls that ring go straight in).
import { navigate } from './router.js';
import { savePass } from './roomPass.js';
import { roomTokenFor } from './sessions.js';

export async function enterRoom(sessionId: string, displayName?: string): Promise<void> {
  const { roomToken } = await roomTokenFor(sessionId);
  savePass(displayName === undefined ? { sessionId, roomToken } : { sessionId, roomToken, displayName });
  navigate(`/room/${encodeURIComponent(sessionId)}/check`);
}
