// Who is signed in. The access token lives in memory and in sessionStorage (survives a
// reload of this tab, never shared across tabs or written to localStorage); the refresh
// token is the server's httpOnly cookie. The REST client (api.ts) gets the token and the
// refresh from here through `provideAuth`; it does not import this file.
import { api, errorMessage, provideAuth } from './api.js';
import { Store } from './store.js';
import type { AuthResponse, User } from './types.js';

const TOKEN_KEY = 'lectern.accessToken';
/** Not a secret: only says "this browser signed in before", so guests skip a doomed refresh call. */
const HINT_KEY = 'lectern.hasSession';

export type AuthState =
  | { status: 'unknown'; user: null }
  | { status: 'signedOut'; user: null }
  | { status: 'signedIn'; user: User };

export const authStore = new Store<AuthState>({ status: 'unknown', user: null });

let accessToken: string | null = readStoredToken();
let refreshing: Promise<boolean> | null = null;

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token: string | null): void {
  accessToken = token;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: memory only.
  }
}

function setSessionHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1');
    else localStorage.removeItem(HINT_KEY);
  } catch {
    // Storage disabled.
  }
}

function sessionHint(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true; // Unknown: try the refresh cookie.
  }
}

/** The signed-in user changed their profile: show the new name and zone everywhere. */
export function setCurrentUser(user: User): void {
  authStore.set({ status: 'signedIn', user });
}

export function currentUser(): User | null {
  return authStore.get().user;
}

function accept(res: AuthResponse): User {
  storeToken(res.accessToken);
  setSessionHint(true);
  authStore.set({ status: 'signedIn', user: res.user });
  return res.user;
}

/** Forget the session locally (after a failed refresh, or on sign-out). */
export function signedOut(): void {
  storeToken(null);
  setSessionHint(false);
  authStore.set({ status: 'signedOut', user: null });
}

export async function login(email: string, password: string): Promise<User> {
  const res = await api.post<AuthResponse>('/api/auth/login', { email, password }, { anonymous: true, noRefresh: true });
  return accept(res);
}

/** Rotate the refresh cookie for a new access token; one request at a time (rotation is single-use). */
export function refreshAccess(): Promise<boolean> {
  refreshing ??= api
    .post<AuthResponse>('/api/auth/refresh', {}, { anonymous: true, noRefresh: true })
    .then((res) => {
      accept(res);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', {}, { noRefresh: true });
  } catch (err) {
    console.warn('sign-out request failed:', errorMessage(err));
  }
  signedOut();
}

provideAuth({ token: () => accessToken, refresh: refreshAccess, expired: signedOut });

/** On start: reuse this tab's token, else try the refresh cookie, else signed out. */
export async function bootstrapAuth(): Promise<void> {
  if (accessToken) {
    try {
      const user = await api.get<User>('/api/me');
      authStore.set({ status: 'signedIn', user });
      return;
    } catch {
      storeToken(null);
    }
  }
  if (!sessionHint() || !(await refreshAccess())) signedOut();
}
