// Contract of join codes and room entry: codes of a session, exchanging a code for a room
// token, and a signed-in participant's token without a code.
import { z } from 'zod';
import { ROOM_ROLES } from '../protocol/index.js';
import { IsoDate } from '../http/contract.js';

export const JoinCode = z.object({
  code: z.string(),
  expiresAt: IsoDate,
  createdAt: IsoDate,
  revoked: z.boolean(),
  url: z.string().describe('the join link, ending in /j/CODE'),
});
export type JoinCode = z.infer<typeof JoinCode>;

export const ReplacedCodes = z.object({
  code: JoinCode,
  revoked: z.number().int().describe('how many live codes stopped working'),
});
export type ReplacedCodes = z.infer<typeof ReplacedCodes>;

export const CodeParams = z.object({ id: z.uuid(), code: z.string().min(1).max(32) });

export const JoinBody = z.object({
  code: z.string().trim().min(1).max(32),
  displayName: z.string().trim().min(1, 'enter your name').max(80),
  guestKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22,128}$/, 'must be 22-128 URL-safe characters')
    .optional()
    .describe('a random secret this browser keeps, so a guest who comes back is the same participant'),
});
export type JoinBody = z.input<typeof JoinBody>;

export const RoomTicket = z.object({
  roomToken: z.string(),
  sessionId: z.uuid(),
  participantId: z.string(),
  role: z.enum(ROOM_ROLES),
  expiresAt: IsoDate,
});
export type RoomTicket = z.infer<typeof RoomTicket>;

/** GET /api/join/:code: what the join page may learn about a code before anyone types a name. */
export const PreviewParams = z.object({ code: z.string().trim().min(1).max(32) });

export const CodePreview = z.object({
  sessionId: z.uuid(),
  title: z.string(),
  hostName: z.string(),
  status: z.enum(['scheduled', 'live']),
  scheduledAt: IsoDate,
  durationMinutes: z.number().int(),
  timezone: z.string(),
});
export type CodePreview = z.infer<typeof CodePreview>;
