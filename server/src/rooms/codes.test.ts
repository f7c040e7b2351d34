import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, newCode, normaliseCode } from './joinCodes.js';
import { dbKinds, useTestApp } from '../test/harness.js';

describe('join code alphabet', () => {
  it('join codes are 8 symbols from a 32-symbol unambiguous alphabet', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    expect(CODE_ALPHABET).not.toMatch(/[ILOU]/);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = newCode();
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
      seen.add(c);
    }
    expect(seen.size).toBe(2000);
    expect(normaliseCode('ab1o-il 9z')).toBe('AB1011' + '9Z');
  });
});

describe.each(dbKinds())('join codes on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_JOIN_RATE_PER_IP: '8' } });

  async function newSession(headers: { authorization: string }) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers,
      payload: { title: 'Algebra', scheduledAt: t.clock.now().toISOString(), durationMinutes: 45, timezone: 'Europe/Berlin' },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  }
  const join = (code: string, ip = '10.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/join', payload: { code, displayName: 'Gita' }, remoteAddress: ip });

  it('codes: the host creates a code whose url ends in /j/CODE and exchanges it for a room token', async () => {
    const host = await t.userWithToken('teacher');
    const sid = await newSession(host.headers);
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers });
    expect(res.statusCode).toBe(201);
    const { code, url, expiresAt } = res.json<{ code: string; url: string; expiresAt: string }>();
    expect(url.endsWith(`/j/${code}`)).toBe(true);
    expect(new Date(expiresAt).getTime() - t.clock.now().getTime()).toBe(60 * 60_000);
    const ok = await join(code.toLowerCase(), '10.0.1.1');
    expect(ok.statusCode).toBe(200);
    const body = ok.json<{ roomToken: string; sessionId: string; role: string }>();
    expect(body.sessionId).toBe(sid);
    expect(body.role).toBe('guest');
    const claims = await t.runtime.ctx.tokens.verifyRoom(body.roomToken);
    expect(claims).toMatchObject({ sessionId: sid, role: 'guest', displayName: 'Gita' });
  });

  it('codes: unknown, expired, revoked and ended codes give the same 404', async () => {
    const host = await t.userWithToken('teacher');
    const sid = await newSession(host.headers);
    const mk = async () => (await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers })).json<{ code: string }>().code;
    const expired = await mk();
    const revoked = await mk();
    const ended = await mk();
    const unknown = await join('ZZZZZZZZ', '10.0.2.1');
    t.clock.advance(61 * 60_000);
    const exp = await join(expired, '10.0.2.2');
    t.clock.advance(-61 * 60_000);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/sessions/${sid}/codes/${revoked}`, headers: host.headers })).statusCode).toBe(204);
    const rev = await join(revoked, '10.0.2.3');
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/end`, headers: host.headers })).statusCode).toBe(200);
    const end = await join(ended, '10.0.2.4');
    for (const r of [unknown, exp, rev, end]) {
      expect(r.statusCode).toBe(404);
      expect(r.body).toBe(unknown.body);
    }
    // and no new code can be made for an ended session
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers })).statusCode).toBe(409);
  });

  it('codes: only hosts, co-hosts and admins create, list or revoke codes', async () => {
    const host = await t.userWithToken('teacher');
    const other = await t.userWithToken('teacher');
    const student = await t.userWithToken('student');
    const admin = await t.userWithToken('admin');
    const sid = await newSession(host.headers);
    for (const who of [other, student]) {
      expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: who.headers })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: `/api/sessions/${sid}/codes`, headers: who.headers })).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: admin.headers })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes` })).statusCode).toBe(401);
  });

  it('codes: replacing revokes every live code at once and makes one new code; only hosts may', async () => {
    const host = await t.userWithToken('teacher');
    const other = await t.userWithToken('teacher');
    const sid = await newSession(host.headers);
    const mk = async () => (await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers })).json<{ code: string }>().code;
    const [a, b] = [await mk(), await mk()];
    const replaceUrl = `/api/sessions/${sid}/codes/replace`;
    expect((await t.app.inject({ method: 'POST', url: replaceUrl, headers: other.headers })).statusCode).toBe(403);
    expect((await join(a, '10.0.6.1')).statusCode).toBe(200); // the refusal changed nothing

    const res = await t.app.inject({ method: 'POST', url: replaceUrl, headers: host.headers });
    expect(res.statusCode).toBe(201);
    const { code, revoked } = res.json<{ code: { code: string; url: string; revoked: boolean }; revoked: number }>();
    expect(revoked).toBe(2);
    expect(code.revoked).toBe(false);
    expect(code.url.endsWith(`/j/${code.code}`)).toBe(true);
    expect((await join(a, '10.0.6.2')).statusCode).toBe(404);
    expect((await join(b, '10.0.6.3')).statusCode).toBe(404);
    expect((await join(code.code, '10.0.6.4')).statusCode).toBe(200);
    const list = (await t.app.inject({ method: 'GET', url: `/api/sessions/${sid}/codes`, headers: host.headers })).json<{ code: string; revoked: boolean }[]>();
    expect(list.filter((c) => !c.revoked).map((c) => c.code)).toEqual([code.code]);
  });

  it('codes: look-ups are rate-limited per IP with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await join('AAAAAAAA', '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 8).every((s) => s === 404)).toBe(true);
    const limited = await join('AAAAAAAA', '10.9.9.9');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // another address is not affected
    expect((await join('AAAAAAAA', '10.9.9.10')).statusCode).toBe(404);
  });

  it('codes: malformed join bodies are 400', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code: 'ABCDEFGH', displayName: '' }, remoteAddress: '10.7.0.1' });
    expect(r.statusCode).toBe(400);
    // In words for people (issue 15, point 4); the field name stays in details for programs.
    const body = r.json<{ error: { message: string; details: { fields: { field: string }[] } } }>();
    expect(body.error.message).toBe('Display name: enter your name.');
    expect(body.error.details.fields[0]!.field).toBe('displayName');
  });
});

describe.each(dbKinds())('guest identity on %s', (kind) => {
  const t = useTestApp(kind);

  it('join keeps a returning guest the same participant only with the same guest key', async () => {
    const host = await t.userWithToken('teacher');
    const s = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: host.headers, payload: { title: 'G', scheduledAt: t.clock.now().toISOString() } });
    const sid = s.json<{ id: string }>().id;
    const code = (await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers })).json<{ code: string }>().code;
    const join = async (guestKey?: string) => {
      const r = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code, displayName: 'Gus', ...(guestKey ? { guestKey } : {}) }, remoteAddress: '10.5.0.1' });
      expect(r.statusCode).toBe(200);
      return r.json<{ participantId: string }>().participantId;
    };
    const key = 'k'.repeat(12) + 'Z9_-abcdefghij';
    const a = await join(key);
    expect(await join(key)).toBe(a);
    expect(a).toMatch(/^guest:/);
    expect(a).not.toContain(key);
    expect(await join('x'.repeat(30))).not.toBe(a);
    expect(await join()).not.toBe(await join());
    const bad = await t.app.inject({ method: 'POST', url: '/api/join', payload: { code, displayName: 'Gus', guestKey: 'short' }, remoteAddress: '10.5.0.1' });
    expect(bad.statusCode).toBe(400);
  });
});
