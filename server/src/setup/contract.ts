// First run: on an empty database the server logs a one-time /setup/TOKEN link; its page
// creates the first admin. Imported by the client as types.
import { z } from 'zod';

export const SetupStatus = z.object({ needed: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatus>;

export const SetupBody = z.object({
  token: z.string().trim().min(20, 'the setup link is incomplete').max(200),
  email: z.email('enter a valid email address').max(254).transform((s) => s.toLowerCase()),
  password: z.string().min(10, 'must be at least 10 characters').max(200),
  name: z.string().trim().min(1, 'enter your name').max(80),
});
export type SetupBody = z.input<typeof SetupBody>;

export const SetupResult = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.literal('admin') }),
});
export type SetupResult = z.infer<typeof SetupResult>;
