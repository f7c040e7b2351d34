/** Base of every error that maps to an HTTP status or an error ack. */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 500,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
  readonly details: unknown;
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(message: string, details?: unknown) {
    super('validation_failed', message, 400, { details });
  }
}

/** An AppError subclass with a fixed code and status, and a message that has a default. */
function statusError(name: string, code: string, statusCode: number, defaultMessage: string): new (message?: string) => AppError {
  return class extends AppError {
    override readonly name: string = name;
    constructor(message = defaultMessage) {
      super(code, message, statusCode);
    }
  };
}

export class UnauthorizedError extends statusError('UnauthorizedError', 'unauthorized', 401, 'Authentication required') {}
export class ForbiddenError extends statusError('ForbiddenError', 'forbidden', 403, 'You are not allowed to do this') {}
export class NotFoundError extends statusError('NotFoundError', 'not_found', 404, 'Not found') {}

export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super('conflict', message, 409);
  }
}

export class TooManyRequestsError extends AppError {
  override readonly name = 'TooManyRequestsError';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests, try again later',
  ) {
    super('rate_limited', message, 429);
  }
}

/** A readiness failure whose message is safe to show on /readyz (`draining`); any other error shows as `failed`. */
export class ReadinessError extends Error {
  override readonly name = 'ReadinessError';
}

/** `value`, or a NotFoundError with `message` when there is none. */
export function found<T>(value: T | null | undefined, message: string): T {
  if (value === null || value === undefined) throw new NotFoundError(message);
  return value;
}

export function assertUnreachable(x: never): never {
  throw new Error(`unreachable: ${String(x)}`);
}
