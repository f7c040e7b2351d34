// The waiting room and the lobby: sockets waiting for the host to start the session, and
// guests waiting for the host to let them in (their list is pushed to the room's hosts).
import type { AppContext } from '../context.js';
import type { Logger } from '../logger.js';
import { noticeWaiting } from '../notifications/waitingNotice.js';
import type { LobbyEntry } from '../protocol/index.js';
import { accessOf, roomSession } from '../rooms/roomAccess.js';
import { enter } from './handshake.js';
import { localSockets } from './relay.js';
import { hostsKey, lobbyKey, roomKey, waitingKey, type RtcNamespace, type RtcSocket } from './types.js';

/** Who waits in a session's lobby, on every node. */
export async function lobbyOf(nsp: RtcNamespace, sessionId: string): Promise<LobbyEntry[]> {
  const sockets = await nsp.in(lobbyKey(sessionId)).fetchSockets();
  return sockets
    .filter((s) => s.data.state === 'lobby')
    .map((s) => ({ peerId: s.data.peerId, displayName: s.data.displayName, since: s.data.lobbySince }));
}

/** Tells the session's hosts who waits in the lobby now. */
export async function pushLobby(nsp: RtcNamespace, sessionId: string): Promise<void> {
  nsp.to(hostsKey(sessionId)).emit('lobbyChanged', { lobby: await lobbyOf(nsp, sessionId) });
}

/** A new socket in the lobby or the waiting room joins its Socket.IO room (the host hears of it). */
export async function placeWaiting(ctx: AppContext, nsp: RtcNamespace, socket: RtcSocket, log: Logger): Promise<void> {
  const d = socket.data;
  if (d.state === 'lobby') {
    await socket.join(lobbyKey(d.sessionId));
    await pushLobby(nsp, d.sessionId);
  }
  if (d.state === 'waiting') {
    await socket.join(waitingKey(d.sessionId));
    void noticeWaiting(ctx, d.sessionId, d.displayName).catch((err: unknown) => log.warn({ err }, 'could not tell the host someone is waiting'));
  }
}

/** The session started: this node's sockets waiting for it go to the lobby or into the room. */
export async function letWaitingIn(ctx: AppContext, nsp: RtcNamespace, sessionId: string, refreshNow: (s: RtcSocket) => void): Promise<void> {
  nsp.local.to(roomKey(sessionId)).emit('sessionStarted', { state: 'ready' });
  const waiting = (await localSockets(nsp, waitingKey(sessionId))).filter((s) => s.data.state === 'waiting');
  if (waiting.length === 0) return;
  const session = await roomSession(ctx, sessionId);
  let lobby = false;
  for (const s of waiting) {
    const state = await enter(ctx, session, s.data.role, s.data.peerId, await accessOf(ctx, sessionId, s.data.peerId));
    await s.leave(waitingKey(sessionId));
    s.data.state = state;
    if (state === 'lobby') {
      s.data.lobbySince = ctx.clock.now().toISOString();
      await s.join(lobbyKey(sessionId));
      lobby = true;
    }
    s.emit('sessionStarted', { state });
    if (state === 'ready') refreshNow(s);
  }
  if (lobby) await pushLobby(nsp, sessionId);
}
