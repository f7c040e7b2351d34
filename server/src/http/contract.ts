// Shared contract pieces of the HTTP API (zod): every feature contract builds on these.
import { z } from 'zod';
import { USER_ROLES } from '@lectern/db';

export const Email = z.email().max(254).transform((s) => s.toLowerCase());
export const Password = z.string().min(10, 'must be at least 10 characters').max(200);
export const Name = z.string().trim().min(1).max(80);
export const Role = z.enum(USER_ROLES);
export const IdParams = z.object({ id: z.uuid() });

export const isIanaZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
export const TimeZone = z.string().max(64).refine(isIanaZone, 'must be an IANA time zone such as Europe/Berlin');

/** An instant on the wire: ISO 8601 with offset (the server always sends UTC, `...Z`). */
export const IsoDate = z.string().describe('ISO 8601 instant');
/** The documented body of a 204 answer. */
export const NoContent = z.null().describe('No content');
/** A non-JSON body (a file, a stream, a feed, CSV): binary, documented by its media type. */
export const FileBody = (mediaType: string) => z.unknown().meta({ type: 'string', format: 'binary', description: mediaType });
