// Shapes of the REST API as the browser sees them: the server's contracts (zod schemas,
// JSON; dates are ISO strings), imported as types so nothing is declared twice.
import type { UserRole } from '@lectern/server/contract/users';

export type { User, UserRole } from '@lectern/server/contract/users';
export type { AuthResponse } from '@lectern/server/contract/auth';
export type { SessionDto as Session, SessionStatus, GuestAccess, CreateSessionBody as NewSession } from '@lectern/server/contract/sessions';
export type { JoinCode, ReplacedCodes, RoomTicket as JoinResponse } from '@lectern/server/contract/rooms';

/** The roles, in the order the UI lists them (checked against the server's list). */
export const USER_ROLES = ['admin', 'teacher', 'mentor', 'student'] as const satisfies readonly UserRole[];

export const isStaff = (role: UserRole): boolean => role === 'teacher' || role === 'mentor' || role === 'admin';
