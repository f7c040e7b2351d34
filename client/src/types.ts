// Shapes of the REST API as the browser sees them (JSON; dates are ISO strings).

export const USER_ROLES = ['admin', 'teacher', 'mentor', 'student'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  timezone: string;
  disabled?: boolean;
}

export interface AuthResponse {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  user: User;
}

export type SessionStatus = 'scheduled' | 'live' | 'completed' | 'cancelled';
export type GuestAccess = 'lobby' | 'open';

export interface Session {
  id: string;
  title: string;
  status: SessionStatus;
  scheduledAt: string;
  durationMinutes: number;
  timezone: string;
  hostId: string;
  guestAccess: GuestAccess;
  description?: string;
  startedAt?: string | null;
  hostName?: string;
  endedAt?: string | null;
}

export interface NewSession {
  title: string;
  scheduledAt: string;
  durationMinutes: number;
  timezone: string;
  guestAccess: GuestAccess;
}

export interface JoinCode {
  code: string;
  expiresAt: string;
  url?: string;
  revoked?: boolean;
  revokedAt?: string | null;
}

export interface JoinResponse {
  roomToken: string;
  sessionId: string;
  expiresAt?: string;
}

export const isStaff = (role: UserRole): boolean => role === 'teacher' || role === 'mentor' || role === 'admin';
