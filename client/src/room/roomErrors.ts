// Room and signaling errors as data: the server answers with a code from the protocol's
// one list (ERROR_CODES); this file turns each code into the sentence the user reads.
// The table is exhaustive: a new code on the server fails to compile here until it has words.
import { isErrorCode, type ErrorCode } from '@lectern/server/protocol';

/** The server's codes plus the one the client makes up itself (no answer in time). */
export type RoomErrorCode = ErrorCode | 'timeout';

export const ROOM_ERROR_MESSAGES: { readonly [C in RoomErrorCode]: string } = {
  bad_request: 'The room did not understand that request.',
  unauthorized: 'Your room pass is no longer valid. Open the join link again.',
  forbidden: 'You are not allowed to do that in this room.',
  not_found: 'That is no longer in the room.',
  conflict: 'The room changed in the meantime. Try again.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  not_joined: 'You have not joined the room yet.',
  in_lobby: 'You are waiting in the lobby.',
  removed: 'The host removed you from this session.',
  denied: 'The host did not let you in.',
  room_full: 'This room is full.',
  room_locked: 'This room is locked. Ask the host to unlock it.',
  not_presenter: 'In this webinar only presenters can share a microphone, camera or screen. Ask the host to promote you.',
  session_ended: 'This session has ended.',
  sfu_error: 'The media server had a problem. Try again.',
  not_available: 'That is not available on this server.',
  internal: 'Something went wrong on the server. Try again.',
  timeout: 'The server did not answer in time.',
};

/** Narrows anything a peer sent (an ack, a handshake error's `data.code`) to a known code. */
export function toRoomErrorCode(code: unknown): RoomErrorCode {
  if (code === 'timeout') return 'timeout';
  return isErrorCode(code) ? code : 'internal';
}

export function roomErrorMessage(code: RoomErrorCode): string {
  return ROOM_ERROR_MESSAGES[code];
}
