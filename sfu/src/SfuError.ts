/** Every error code the SFU answers with. Stable: callers switch on these. */
export const SFU_ERROR_CODES = [
  'room_not_found',
  'peer_not_found',
  'transport_not_found',
  'producer_not_found',
  'consumer_not_found',
  'room_full',
  'cannot_consume',
  'invalid_request',
  'no_worker',
  'closed',
  'media_error',
] as const;

export type SfuErrorCode = (typeof SFU_ERROR_CODES)[number];

/** The serialized form of an SfuError, as carried over a bus. */
export interface SfuErrorJson {
  code: SfuErrorCode;
  message: string;
}

/** The one error type the SFU throws: a string `code` plus a human message. */
export class SfuError extends Error {
  override readonly name = 'SfuError';

  constructor(
    readonly code: SfuErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  toJSON(): SfuErrorJson {
    return { code: this.code, message: this.message };
  }

  static fromJSON(json: SfuErrorJson): SfuError {
    return new SfuError(json.code, json.message);
  }

  /** Wraps anything thrown by mediasoup into an SfuError, leaving SfuErrors alone. */
  static wrap(error: unknown): SfuError {
    if (error instanceof SfuError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new SfuError('media_error', message, { cause: error });
  }
}

export function isSfuErrorCode(value: unknown): value is SfuErrorCode {
  return typeof value === 'string' && (SFU_ERROR_CODES as readonly string[]).includes(value);
}

export function assertUnreachable(value: never): never {
  throw new SfuError('invalid_request', `Unexpected value: ${JSON.stringify(value)}`);
}
