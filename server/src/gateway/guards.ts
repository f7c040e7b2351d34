// What a request needs before a handler acts: the socket let in, joined, a host; refusals
// carry the protocol's error codes.
import { AppError, ForbiddenError } from '../errors.js';
import { ERROR_HTTP_STATUS, type ErrorCode } from '../protocol/errors.js';
import { isHostRole, type RoomOps, type RtcSocket } from './types.js';

/** A refusal in the room: its code is one of the protocol's, its HTTP status follows it. */
export class RoomError extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, message, ERROR_HTTP_STATUS[code]);
  }
}

export function requireReady(socket: RtcSocket): void {
  if (socket.data.state === 'waiting') throw new RoomError('in_lobby', 'Waiting for the host to start the session');
  if (socket.data.state !== 'ready') throw new RoomError('in_lobby', 'Waiting in the lobby');
}
export function requireJoined(socket: RtcSocket): void {
  requireReady(socket);
  if (!socket.data.joined) throw new RoomError('not_joined', 'Join the room first');
}
export function requireHost(socket: RtcSocket): void {
  requireJoined(socket);
  if (!isHostRole(socket.data.role)) throw new ForbiddenError('Only the host can do this');
}

/** In a webinar only hosts and the participants they promoted may publish; nothing is created otherwise. */
export async function requirePublisher(room: RoomOps, socket: RtcSocket): Promise<void> {
  if (isHostRole(socket.data.role) || room.isPromoted(socket.data.sessionId, socket.data.peerId)) return;
  if (await room.isWebinar(socket.data.sessionId)) {
    throw new RoomError('not_presenter', 'In this webinar only the hosts and the participants they promote may publish');
  }
}
