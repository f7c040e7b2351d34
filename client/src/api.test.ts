import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, dispositionName, fetchFile, provideAuth, tokenUrl, upload } from './api.js';

interface Call {
  url: string;
  method: string;
  auth: string | null;
  accept: string | null;
  body: unknown;
}

/** A fetch that answers from a script and records what it was asked. */
function stubFetch(...answers: (() => Response)[]) {
  const calls: Call[] = [];
  const fetch = vi.fn((url: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    calls.push({ url, method: init.method ?? 'GET', auth: headers.get('authorization'), accept: headers.get('accept'), body: init.body });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    return Promise.resolve(next());
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const unauthorized = json(401, { error: { code: 'unauthorized', message: 'Token expired' } });

/** A session whose refresh hands out `fresh` (or fails). */
function session(fresh: string | null) {
  let token: string | null = 'old';
  const state = { refreshes: 0, expired: 0 };
  provideAuth({
    token: () => token,
    refresh: () => {
      state.refreshes++;
      if (fresh) token = fresh;
      return Promise.resolve(fresh !== null);
    },
    expired: () => {
      state.expired++;
      token = null;
    },
  });
  return state;
}

beforeEach(() => vi.unstubAllGlobals());
afterEach(() => vi.unstubAllGlobals());

describe('api refresh-and-retry', () => {
  it('refreshes once on 401 and retries with the new token', async () => {
    const s = session('new');
    const calls = stubFetch(unauthorized, json(200, { id: 1 }));
    await expect(api.get<{ id: number }>('/api/me')).resolves.toEqual({ id: 1 });
    expect(calls.map((c) => c.auth)).toEqual(['Bearer old', 'Bearer new']);
    expect(s).toEqual({ refreshes: 1, expired: 0 });
  });

  it('signs out when the retry is refused too', async () => {
    const s = session('new');
    stubFetch(unauthorized, unauthorized);
    const err = await api.get('/api/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'Token expired' });
    expect(s).toEqual({ refreshes: 1, expired: 1 });
  });

  it('signs out without a retry when the refresh fails', async () => {
    const s = session(null);
    const calls = stubFetch(unauthorized);
    await expect(api.get('/api/me')).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(s).toEqual({ refreshes: 1, expired: 1 });
  });

  it('does not refresh for the auth endpoints or for guests', async () => {
    const s = session('new');
    stubFetch(unauthorized);
    await expect(api.post('/api/auth/login', {}, { noRefresh: true, anonymous: true })).rejects.toMatchObject({ status: 401 });
    provideAuth({ token: () => null, refresh: () => Promise.reject(new Error('no')), expired: () => undefined });
    const calls = stubFetch(unauthorized);
    await expect(api.get('/api/public')).rejects.toMatchObject({ status: 401 });
    expect(calls[0]!.auth).toBeNull();
    expect(s.refreshes).toBe(0);
  });

  it('turns a non-JSON failure and a network error into ApiError', async () => {
    session('new');
    stubFetch(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('upload and download', () => {
  it('uploads a form with the token and retries it after a refresh', async () => {
    const s = session('new');
    const calls = stubFetch(unauthorized, json(201, { id: 's1' }));
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'notes.txt');
    await expect(upload<{ id: string }>('/api/sessions/s1/materials/files', form)).resolves.toEqual({ id: 's1' });
    expect(calls.map((c) => [c.method, c.auth])).toEqual([
      ['POST', 'Bearer old'],
      ['POST', 'Bearer new'],
    ]);
    expect(calls[1]!.body).toBe(form);
    expect(s.refreshes).toBe(1);
  });

  it('reports an upload refused by the server with its code', async () => {
    session('new');
    stubFetch(json(413, { error: { code: 'too_large', message: 'The file is too large' } }));
    await expect(upload('/api/up', new FormData())).rejects.toMatchObject({ status: 413, code: 'too_large', message: 'The file is too large' });
  });

  it('fetches a file through the same refresh, named by the server', async () => {
    session('new');
    const calls = stubFetch(unauthorized, () =>
      new Response('a,b\n', { status: 200, headers: { 'content-disposition': "attachment; filename=\"x.csv\"; filename*=UTF-8''Optik%20%C3%BCbung.csv" } }),
    );
    const file = await fetchFile('/api/sessions/s1/attendance?format=csv');
    expect(file.name).toBe('Optik übung.csv');
    expect(await file.blob.text()).toBe('a,b\n');
    expect(calls.map((c) => c.auth)).toEqual(['Bearer old', 'Bearer new']);
    expect(calls[0]!.accept).toBe('*/*');
  });

  it('prefers the caller’s name, then the server’s, then the path', async () => {
    session('new');
    stubFetch(() => new Response('x', { headers: { 'content-disposition': 'attachment; filename="server.ics"' } }));
    expect((await fetchFile('/api/sessions/s1/ics', 'Physics.ics')).name).toBe('Physics.ics');
    stubFetch(() => new Response('x'));
    expect((await fetchFile('/files/report%201.pdf?x=1')).name).toBe('report 1.pdf');
  });

  it('reads Content-Disposition names', () => {
    expect(dispositionName(null)).toBeNull();
    expect(dispositionName('attachment')).toBeNull();
    expect(dispositionName('attachment; filename="a.ics"')).toBe('a.ics');
    expect(dispositionName('attachment; filename=plain.txt')).toBe('plain.txt');
    expect(dispositionName("attachment; filename=\"fallback\"; filename*=UTF-8''%E2%82%AC.txt")).toBe('€.txt');
  });

  it('puts the token into URLs for players', () => {
    session('new');
    expect(tokenUrl('/rec/1.webm')).toBe('/rec/1.webm?token=old');
    expect(tokenUrl('/rec/1.webm?download=1')).toBe('/rec/1.webm?download=1&token=old');
    provideAuth({ token: () => null, refresh: () => Promise.resolve(false), expired: () => undefined });
    expect(tokenUrl('/rec/1.webm')).toBe('/rec/1.webm');
  });
});
