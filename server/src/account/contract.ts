// The signed-in user's own account: password change and reset by email.
import { z } from 'zod';

const NewPassword = z.string().min(10, 'must be at least 10 characters').max(200);

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1, 'enter your current password').max(200),
  newPassword: NewPassword,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const ResetRequestBody = z.object({
  email: z.email('enter a valid email address').max(254).transform((s) => s.toLowerCase()),
});
export type ResetRequestBody = z.input<typeof ResetRequestBody>;

/** The same answer whether or not the address has an account. */
export const ResetRequestResult = z.object({ message: z.string() });
export type ResetRequestResult = z.infer<typeof ResetRequestResult>;

export const ResetConfirmBody = z.object({
  token: z.string().trim().min(20, 'the reset link is incomplete').max(200),
  newPassword: NewPassword,
});
export type ResetConfirmBody = z.infer<typeof ResetConfirmBody>;

export const RESET_TOKEN_MINUTES = 30;

/** A 204 answer: no body. */
export const NoContent = z.null().describe('No content');
