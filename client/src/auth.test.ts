// auth.ts with api.ts, against a fake API behind `fetch`: an expired access token is
// refreshed once (the refresh cookie; no bearer) and the request retried once; a failed
// refresh signs out; 401s that arrive together share one refresh (rotation is single-use).
import { AuthResponse } from '@lectern/server/contract/auth';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as ApiNs from './api.js';
import type * as AuthNs from './auth.js';

type AuthModule = typeof AuthNs;
type ApiModule = typeof ApiNs;

interface Seen {
  method: string;
  url: string;
  bearer: string | null;
}

const USER = { id: '3f1c2b7e-8a4d-4c2e-9b1f-6d5e4a3b2c1d', email: 'ada@example.test', name: 'Ada', role: 'teacher', timezone: 'Europe/Berlin', disabled: false, createdAt: '2026-01-01T00:00:00.000Z' } as const;

/** A Storage in memory (node has none). */
function memoryStorage(initial: Record<string, string> = {}): Storage {
  const m = new Map(Object.entries(initial));
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  };
}

/**
 * The server's side: access tokens in `valid` are accepted; `/api/auth/refresh` mints the
 * next one while the refresh cookie lives (`refreshOk`), answering only when `release()`
 * is called if `hold` is set (to let several 401s pile up behind one refresh).
 */
function fakeApi() {
  const seen: Seen[] = [];
  const state = { valid: new Set<string>(), refreshOk: true, minted: 0, hold: false, rejectRetry: false };
  let releases: (() => void)[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const refused = () => json(401, { error: { code: 'unauthorized', message: 'Token expired' } });

  async function refresh(): Promise<Response> {
    if (state.hold) await new Promise<void>((r) => releases.push(r));
    if (!state.refreshOk) return json(401, { error: { code: 'unauthorized', message: 'Invalid refresh token' } });
    const token = `fresh-${++state.minted}`;
    if (!state.rejectRetry) state.valid.add(token);
    // Shaped by the server's own contract.
    return json(200, AuthResponse.parse({ accessToken: token, refreshToken: `r-${state.minted}`, expiresIn: 900, user: USER }));
  }

  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const bearer = new Headers(init.headers).get('authorization');
    seen.push({ method: init.method ?? 'GET', url, bearer });
    if (url === '/api/auth/refresh') return refresh();
    const token = bearer?.replace(/^Bearer /, '') ?? '';
    if (!state.valid.has(token)) return refused();
    return url === '/api/me' ? json(200, USER) : json(200, { url, token });
  });
  vi.stubGlobal('fetch', fetch);
  return {
    seen,
    state,
    release: () => {
      for (const r of releases) r();
      releases = [];
    },
    refreshes: () => seen.filter((s) => s.url === '/api/auth/refresh').length,
  };
}

/** Fresh auth.ts and api.ts (module state), with `token` stored by this tab before. */
async function load(token: string | null): Promise<{ auth: AuthModule; api: ApiModule; session: Storage; local: Storage }> {
  vi.resetModules();
  const session = memoryStorage(token ? { 'lectern.accessToken': token } : {});
  const local = memoryStorage({ 'lectern.hasSession': '1' });
  vi.stubGlobal('sessionStorage', session);
  vi.stubGlobal('localStorage', local);
  const auth = await import('./auth.js');
  const api = await import('./api.js');
  return { auth, api, session, local };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('auth refresh-and-retry', () => {
  let server: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    server = fakeApi();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('auth: an expired access token is refreshed once and the request retried once with the new token', async () => {
    const { auth, api, session } = await load('expired');
    const data = await api.api.get<{ token: string }>('/api/sessions');
    expect(data.token).toBe('fresh-1');
    expect(server.seen).toEqual([
      { method: 'GET', url: '/api/sessions', bearer: 'Bearer expired' },
      { method: 'POST', url: '/api/auth/refresh', bearer: null }, // the cookie, never the dead bearer
      { method: 'GET', url: '/api/sessions', bearer: 'Bearer fresh-1' },
    ]);
    expect(auth.authStore.get()).toEqual({ status: 'signedIn', user: USER });
    expect(session.getItem('lectern.accessToken')).toBe('fresh-1');
    // The next request uses the new token straight away.
    await api.api.get('/api/chats');
    expect(server.seen.at(-1)).toEqual({ method: 'GET', url: '/api/chats', bearer: 'Bearer fresh-1' });
    expect(server.refreshes()).toBe(1);
  });

  it('auth: a failed refresh signs out, forgets the token and does not retry', async () => {
    server.state.refreshOk = false;
    const { auth, api, session, local } = await load('expired');
    const err = await api.api.get('/api/sessions').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(api.ApiError);
    expect((err as InstanceType<ApiModule['ApiError']>).status).toBe(401);
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /api/sessions', 'POST /api/auth/refresh']);
    expect(auth.authStore.get()).toEqual({ status: 'signedOut', user: null });
    expect(session.getItem('lectern.accessToken')).toBeNull();
    expect(local.getItem('lectern.hasSession')).toBeNull();
    // Signed out: the next request goes without a bearer and is not refreshed again.
    await api.api.get('/api/sessions').catch(() => undefined);
    expect(server.seen.at(-1)?.bearer).toBeNull();
    expect(server.refreshes()).toBe(1);
  });

  it('auth: a retry refused again ends the session after one refresh (no loop)', async () => {
    server.state.rejectRetry = true;
    const { auth, api } = await load('expired');
    await expect(api.api.get('/api/sessions')).rejects.toMatchObject({ status: 401 });
    expect(server.seen.map((s) => `${s.method} ${s.url} ${s.bearer}`)).toEqual([
      'GET /api/sessions Bearer expired',
      'POST /api/auth/refresh null',
      'GET /api/sessions Bearer fresh-1',
    ]);
    expect(auth.authStore.get().status).toBe('signedOut');
  });

  it('auth: concurrent 401s share one refresh, then each request is retried once with the new token', async () => {
    server.state.hold = true;
    const { api } = await load('expired');
    const paths = ['/api/sessions', '/api/chats', '/api/me/notifications'];
    const pending = paths.map((p) => api.api.get<{ url: string; token: string }>(p));
    // Let every first attempt come back 401 while the refresh is still in flight.
    for (let i = 0; i < 5 && server.seen.length < paths.length + 1; i++) await settle();
    expect(server.refreshes()).toBe(1);
    server.release();
    const results = await Promise.all(pending);
    expect(results).toEqual(paths.map((url) => ({ url, token: 'fresh-1' })));
    expect(server.refreshes()).toBe(1);
    expect(server.seen.filter((s) => s.bearer === 'Bearer expired')).toHaveLength(3);
    expect(server.seen.filter((s) => s.bearer === 'Bearer fresh-1')).toHaveLength(3);
  });

  it('auth: on start, a stored token that still works signs in without a refresh', async () => {
    server.state.valid.add('good');
    const { auth } = await load('good');
    await auth.bootstrapAuth();
    expect(auth.authStore.get()).toEqual({ status: 'signedIn', user: USER });
    expect(server.refreshes()).toBe(0);
  });
});
