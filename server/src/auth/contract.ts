// Contract of sign-in: login, refresh rotation, logout, who am I.
import { z } from 'zod';
import { Email } from '../http/contract.js';
import { User } from '../users/contract.js';

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(200) });
export type LoginBody = z.input<typeof LoginBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(20).max(200).optional() }).optional();

export const AuthResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string().describe('also set as an httpOnly cookie scoped to /api/auth'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
  user: User,
});
export type AuthResponse = z.infer<typeof AuthResponse>;
