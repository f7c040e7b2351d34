// "Will you come?": an invitee's answer for one session, and the tally the host sees.
import { z } from 'zod';

export const RsvpResponse = z.enum(['yes', 'maybe', 'no']);
export type RsvpResponse = z.infer<typeof RsvpResponse>;

export const RsvpBody = z.object({ response: RsvpResponse });

export const RsvpState = z.object({
  /** The caller's answer (null: none yet, or the caller is not invited). */
  mine: RsvpResponse.nullable(),
  /** Whether the caller may answer (an invitee of a session that has not ended). */
  canAnswer: z.boolean(),
  counts: z.object({ yes: z.number().int(), maybe: z.number().int(), no: z.number().int() }),
});
export type RsvpState = z.infer<typeof RsvpState>;
