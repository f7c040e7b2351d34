// How a person shows in the UI: their role in words, their initials for an avatar.
import { USER_ROLES, type UserRole } from '../types.js';

export const ROLE_LABEL: Record<UserRole, string> = { admin: 'Admin', teacher: 'Teacher', mentor: 'Mentor', student: 'Student' };

/** The roles as choices of a select ([role, label] pairs). */
export const ROLE_OPTIONS = USER_ROLES.map((r) => [r, ROLE_LABEL[r]] as const);

/** Up to two initials, upper case ('' for a blank name). */
export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
