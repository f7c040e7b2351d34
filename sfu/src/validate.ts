/** Runtime checks for request fields that arrive from another process. */
import { SfuError, assertUnreachable } from './SfuError.js';
import type { MediaSource, TransportDirection } from './types.js';

export function requireId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SfuError('invalid_request', `${name} must be a non-empty string`);
  }
  return value;
}

export function direction(value: TransportDirection): TransportDirection {
  switch (value) {
    case 'send':
    case 'recv':
      return value;
    default:
      return assertUnreachable(value);
  }
}

export function source(value: MediaSource | undefined): MediaSource {
  switch (value) {
    case 'mic':
    case 'webcam':
    case 'screen':
      return value;
    case undefined:
      throw new SfuError('invalid_request', 'appData.source is required');
    default:
      return assertUnreachable(value);
  }
}

export function layer(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new SfuError('invalid_request', `${name} must be a non-negative integer`);
  return value;
}
