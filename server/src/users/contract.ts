// Contract of users: the public user, admin management and the caller's own profile.
import { z } from 'zod';
import { Email, IsoDate, Name, Password, Role, TimeZone } from '../http/contract.js';

export { USER_ROLES } from '@lectern/db';
export type UserRole = z.infer<typeof Role>;

/** A user as every API answer shows them (never the password hash). */
export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: Role,
  timezone: z.string(),
  disabled: z.boolean(),
  createdAt: IsoDate,
});
export type User = z.infer<typeof User>;

export const CreateUserBody = z.object({ email: Email, name: Name, password: Password, role: Role, timezone: TimeZone.optional() });
export type CreateUserBody = z.input<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({ name: Name, role: Role, password: Password, timezone: TimeZone, disabled: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateUserBody = z.input<typeof UpdateUserBody>;

export const UserListQuery = z.object({
  role: Role.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type UserListQuery = z.input<typeof UserListQuery>;

export const UpdateMeBody = z.object({ name: Name, timezone: TimeZone }).partial();
export type UpdateMeBody = z.input<typeof UpdateMeBody>;
