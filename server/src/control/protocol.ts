// The control socket's protocol: the CLI sends one JSON line, the server answers one JSON
// line and closes. Both sides validate with these schemas; a request is at most 64 KiB.
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { USER_ROLES } from '@lectern/db';

export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** `<dataDir>/run/lectern.sock`; the run directory is 0700 and the socket 0600. */
export const controlDir = (dataDir: string): string => join(dataDir, 'run');
export const controlSocketPath = (dataDir: string): string => join(controlDir(dataDir), 'lectern.sock');

export const UserCreateArgs = z.strictObject({
  email: z.email(),
  password: z.string().min(10, 'must be at least 10 characters').max(200),
  role: z.enum(USER_ROLES),
  name: z.string().min(1).max(80).optional(),
  timezone: z.string().max(64).optional(),
});
export type UserCreateArgs = z.infer<typeof UserCreateArgs>;

export const ControlRequest = z.discriminatedUnion('cmd', [
  z.strictObject({ v: z.literal(1), cmd: z.literal('ping') }),
  z.strictObject({ v: z.literal(1), cmd: z.literal('user.create'), args: UserCreateArgs }),
  z.strictObject({ v: z.literal(1), cmd: z.literal('backup'), args: z.strictObject({ file: z.string().min(2).max(4096).refine(isAbsolute, 'must be an absolute path') }) }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

export const ControlResponse = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), pid: z.number().int(), result: z.unknown() }),
  z.strictObject({ ok: z.literal(false), pid: z.number().int().optional(), error: z.string().max(4000) }),
]);
export type ControlResponse = z.infer<typeof ControlResponse>;
