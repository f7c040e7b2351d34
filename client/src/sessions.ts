// Session, join-code and room-entry calls of the REST API.
import { api, asList } from './api.js';
import type { JoinCode, JoinResponse, NewSession, ReplacedCodes, Session } from './types.js';

export const listSessions = async (): Promise<Session[]> => asList<Session>(await api.get('/api/sessions'), 'sessions');
export const createSession = (body: NewSession) => api.post<Session>('/api/sessions', body);
export const startSession = (id: string) => api.post<Session | undefined>(`/api/sessions/${encodeURIComponent(id)}/start`);
export const endSession = (id: string) => api.post<Session | undefined>(`/api/sessions/${encodeURIComponent(id)}/end`);

export const createCode = (sessionId: string) => api.post<JoinCode>(`/api/sessions/${encodeURIComponent(sessionId)}/codes`);
/** Every live code of the session stops working; returns the one new code. */
export const replaceCodes = (sessionId: string) => api.post<ReplacedCodes>(`/api/sessions/${encodeURIComponent(sessionId)}/codes/replace`);
const listCodes = async (sessionId: string): Promise<JoinCode[]> =>
  asList<JoinCode>(await api.get(`/api/sessions/${encodeURIComponent(sessionId)}/codes`), 'codes');

/** Exchange a join code (and a display name) for a room token. */
/** This browser's guest secret: a guest who rejoins is the same participant (attendance, lobby). */
function guestKey(): string | undefined {
  try {
    let key = localStorage.getItem('lectern.guestKey');
    if (!key) {
      const bytes = crypto.getRandomValues(new Uint8Array(24));
      key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      localStorage.setItem('lectern.guestKey', key);
    }
    return key;
  } catch {
    return undefined; // storage blocked: a fresh guest identity each time
  }
}

export const joinWithCode = (code: string, displayName: string) =>
  api.post<JoinResponse>('/api/join', { code, displayName, guestKey: guestKey() });

/** A signed-in host or participant enters their own session's room without a code. */
export const roomTokenFor = (sessionId: string) =>
  api.post<JoinResponse>(`/api/sessions/${encodeURIComponent(sessionId)}/room-token`);

/** The absolute join link for a code (the server's `url`, or built from this origin). */
export function joinUrl(code: JoinCode): string {
  return code.url;
}

/** An unexpired, unrevoked code of the session, creating one when there is none. */
export async function activeCode(sessionId: string): Promise<JoinCode> {
  try {
    const now = Date.now();
    const live = (await listCodes(sessionId)).find((c) => !c.revoked && new Date(c.expiresAt).getTime() > now + 60_000);
    if (live) return live;
  } catch {
    // Listing is a convenience: fall through to creating one.
  }
  return createCode(sessionId);
}

export type SessionBucket = 'live' | 'upcoming' | 'past';

export function bucketOf(s: Session, now = Date.now()): SessionBucket {
  if (s.status === 'live') return 'live';
  if (s.status === 'completed' || s.status === 'cancelled') return 'past';
  const end = new Date(s.scheduledAt).getTime() + s.durationMinutes * 60_000;
  return end < now ? 'past' : 'upcoming';
}
