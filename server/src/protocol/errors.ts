// Every error code the signaling gateway (and the room's REST routes) answer with, as
// data: the server throws them, acks carry them, the client maps each to a sentence in
// one exhaustive table. HTTP status follows the code.
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'not_joined',
  'in_lobby',
  'removed',
  'denied',
  'room_full',
  'room_locked',
  'not_presenter',
  'session_ended',
  'sfu_error',
  'not_available',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_HTTP_STATUS: { readonly [C in ErrorCode]: number } = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  not_joined: 409,
  in_lobby: 409,
  removed: 403,
  denied: 403,
  room_full: 409,
  room_locked: 423,
  not_presenter: 403,
  session_ended: 410,
  sfu_error: 502,
  not_available: 503,
  internal: 500,
};

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
