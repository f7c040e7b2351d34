import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { dbKinds, useTestApp } from '../test/harness.js';

describe.each(dbKinds())('auth on %s', (kind) => {
  const t = useTestApp(kind);

  const postUser = (headers: Record<string, string> | undefined, payload: string | object) => t.app.inject({ method: 'POST', url: '/api/users', headers, payload });
  const login = (email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

  it('login succeeds with the right password and returns a usable token', async () => {
    const u = await t.userWithToken('teacher');
    const res = await login(u.email, u.password);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ accessToken: string; user: { email: string; role: string } }>();
    expect(body.user).toMatchObject({ email: u.email, role: 'teacher' });
    expect(JSON.stringify(body.user)).not.toMatch(/password/i);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: u.email });
  });

  it('login with a wrong password is 401', async () => {
    const u = await t.userWithToken('student');
    const res = await login(u.email, 'not-the-password');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'Wrong email or password' } });
    expect((await login('nobody@example.test', 'whatever-123')).statusCode).toBe(401);
  });

  it('login throttles the sixth rapid failure for one account', async () => {
    const u = await t.userWithToken('student');
    for (let i = 0; i < 5; i++) expect((await login(u.email, `wrong-${i}`)).statusCode).toBe(401);
    const sixth = await login(u.email, 'wrong-again');
    expect(sixth.statusCode).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits until the window passes.
    expect((await login(u.email, u.password)).statusCode).toBe(429);
    t.clock.advance(t.config.auth.loginWindowSeconds * 1000 + 1000);
    expect((await login(u.email, u.password)).statusCode).toBe(200);
  });

  it('auth rejects expired and tampered tokens with 401', async () => {
    const u = await t.userWithToken('teacher');
    const token = u.headers.authorization.slice('Bearer '.length);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<string, unknown>;
    const forged = `${h}.${base64url.encode(JSON.stringify({ ...payload, role: 'admin' }))}.${s}`;
    const tampered = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${forged}` } });
    expect(tampered.statusCode).toBe(401);

    t.clock.advance((t.config.auth.accessTokenTtlSeconds + 5) * 1000);
    const expired = await t.app.inject({ method: 'GET', url: '/api/me', headers: u.headers });
    expect(expired.statusCode).toBe(401);
    t.clock.set(new Date());
  });

  it('auth rejects alg none and tokens without exp', async () => {
    const u = await t.userWithToken('admin');
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const claims = { sub: u.id, role: 'admin', typ: 'access', iss: 'lectern', aud: 'lectern:api', iat: now, exp: now + 600 };
    const none = `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
    const me = async (token: string) => (await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
    expect(await me(none)).toBe(401);

    // Correctly signed with the server's key: only the audience and the expiry vary.
    const key = new TextEncoder().encode(t.config.auth.jwtSecret);
    const signed = (audience: string, exp?: number) => {
      const jwt = new SignJWT({ role: 'admin', typ: 'access' }).setProtectedHeader({ alg: 'HS256' }).setSubject(u.id).setIssuer('lectern').setAudience(audience).setIssuedAt(now);
      return (exp === undefined ? jwt : jwt.setExpirationTime(exp)).sign(key);
    };
    expect(await me(await signed('lectern:api', now + 600))).toBe(200);
    expect(await me(await signed('lectern:api'))).toBe(401); // no exp
    expect(await me(await signed('lectern:room', now + 600))).toBe(401); // another audience
  });

  it('refresh rotates the token and detects reuse', async () => {
    const u = await t.userWithToken('student');
    const first = (await login(u.email, u.password)).json<{ refreshToken: string }>();
    const second = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(second.statusCode).toBe(200);
    const rotated = second.json<{ refreshToken: string; accessToken: string }>();
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    // Replaying the old token revokes the family, including the new token.
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: rotated.refreshToken } })).statusCode).toBe(401);
  });

  it('logout revokes the refresh token', async () => {
    const u = await t.userWithToken('student');
    const { refreshToken } = (await login(u.email, u.password)).json<{ refreshToken: string }>();
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } })).statusCode).toBe(401);
  });

  it('auth: a student calling an admin route gets 403', async () => {
    const s = await t.userWithToken('student');
    const res = await postUser(s.headers, { email: 'x@example.test', name: 'X', password: 'long-enough-1', role: 'student' });
    expect(res.statusCode).toBe(403);
    expect((await postUser(undefined, {})).statusCode).toBe(401);
  });

  it('malformed bodies get 400 with a message and change nothing', async () => {
    const a = await t.userWithToken('admin');
    const bad = await postUser(a.headers, { email: 'not-an-email', name: 'X', password: 'long-enough-1', role: 'student' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string; message: string } }>().error.message).toMatch(/email/);
    const junk = await postUser({ ...a.headers, 'content-type': 'application/json' }, '{"email": ');
    expect(junk.statusCode).toBe(400);
    const role = await postUser(a.headers, { email: 'ok@example.test', name: 'X', password: 'long-enough-1', role: 'superuser' });
    expect(role.statusCode).toBe(400);
    const list = await t.app.inject({ method: 'GET', url: '/api/users?q=ok@example.test', headers: a.headers });
    expect(list.json()).toEqual([]);
  });

  it('users: admin creates users; duplicate email is 409', async () => {
    const a = await t.userWithToken('admin');
    const payload = { email: 'Dup@Example.test', name: 'Dup', password: 'long-enough-1', role: 'teacher' };
    const created = await postUser(a.headers, payload);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'dup@example.test', role: 'teacher' });
    expect((await postUser(a.headers, payload)).statusCode).toBe(409);
  });
});
