// Password, role and disable changes end the user's sessions: their refresh tokens stop
// working, access tokens already issued are refused at once, and their open sockets are
// disconnected; a name change leaves them alone.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindUserSockets, unbindUserSockets } from '../auth/signOut.js';
import { attachChatNamespace, type ChatSocket } from '../chat/socket.js';
import { CHAT_NAMESPACE } from '../chat/contract.js';
import { attachUserNamespace, USER_NAMESPACE, type UserSocket } from '../notifications/userSocket.js';
import { dbKinds, useTestApp, type TestUser as U } from '../test/harness.js';

describe.each(dbKinds())('signing a user out everywhere on %s', (kind) => {
  const t = useTestApp(kind);
  let io: Server;
  let userNs: UserSocket;
  let chat: ChatSocket;
  let base: string;
  let admin: U;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const http = createServer();
    io = new Server(http);
    userNs = await attachUserNamespace({ io, bus: t.runtime.ctx.bus, tokens: t.runtime.ctx.tokens, accessGate: t.runtime.ctx.accessGate, logger: t.runtime.ctx.logger, db: t.runtime.ctx.db });
    chat = attachChatNamespace(t.runtime.ctx, io);
    bindUserSockets(t.runtime.ctx, io);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const addr = http.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    admin = await t.userWithToken('admin');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    unbindUserSockets(t.runtime.ctx);
    chat?.close();
    await userNs?.close();
    await io?.close();
  });

  const open = (u: U, ns: string) => {
    const s = connect(`${base}${ns}`, { auth: { token: u.headers.authorization.slice(7) }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    return new Promise<Socket>((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  };
  const closed = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', resolve));
  const signIn = async (u: U) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: u.password } });
    return res.json<{ refreshToken: string }>().refreshToken;
  };
  const me = (u: U) => t.app.inject({ method: 'GET', url: '/api/me', headers: u.headers });
  const refresh = async (token: string) => (await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: token } })).statusCode;
  const patch = async (id: string, body: object) => {
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin.headers, payload: body });
    expect(res.statusCode, res.body).toBe(200);
  };

  it.each([
    ['a new password', { password: 'another-long-one-1' }],
    ['a new role', { role: 'teacher' }],
    ['being disabled', { disabled: true }],
  ])('%s revokes refresh tokens, refuses access tokens already issued, and disconnects /user and /chat sockets', async (_what, body) => {
    const u = await t.userWithToken('student');
    const token = await signIn(u);
    const [feed, chatSocket] = [await open(u, USER_NAMESPACE), await open(u, CHAT_NAMESPACE)];
    expect((await me(u)).statusCode).toBe(200);
    t.clock.advance(1000); // the change comes after the tokens were issued (iat has whole seconds)
    const gone = [closed(feed), closed(chatSocket)];
    await patch(u.id, body);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await refresh(token)).toBe(401);
    const refused = await me(u);
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ error: { message: string } }>().error.message).toBe('This sign-in has ended: please sign in again');
    await expect(open(u, USER_NAMESPACE)).rejects.toThrow('unauthorized');
    await expect(open(u, CHAT_NAMESPACE)).rejects.toThrow('unauthorized');
  });

  it('a name change keeps the sessions', async () => {
    const u = await t.userWithToken('student');
    const token = await signIn(u);
    const feed = await open(u, USER_NAMESPACE);
    t.clock.advance(1000);
    await patch(u.id, { name: 'Renamed' });
    expect(await refresh(token)).toBe(200);
    expect((await me(u)).statusCode).toBe(200);
    expect(feed.connected).toBe(true);
  });

  it('a disabled user cannot open a /user socket with an access token still in date', async () => {
    const u = await t.userWithToken('student');
    await patch(u.id, { disabled: true });
    await expect(open(u, USER_NAMESPACE)).rejects.toThrow('unauthorized');
  });

  it('changing my own password keeps my new session, ends the others and disconnects my sockets', async () => {
    const u = await t.userWithToken('student');
    const other = await signIn(u);
    const feed = await open(u, USER_NAMESPACE);
    const gone = closed(feed);
    t.clock.advance(1000);
    const res = await t.app.inject({ method: 'POST', url: '/api/me/password', headers: u.headers, payload: { currentPassword: u.password, newPassword: 'a-brand-new-one-2' } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(await gone).toBe('io server disconnect');
    expect(await refresh(other)).toBe(401);
    const mine = /lectern_refresh=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
    // This tab's old access token is refused like every other; its new refresh cookie gives a new one that works.
    expect((await me(u)).statusCode).toBe(401);
    const renewed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: decodeURIComponent(mine ?? '') } });
    expect(renewed.statusCode).toBe(200);
    const fresh = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${renewed.json<{ accessToken: string }>().accessToken}` } });
    expect(fresh.statusCode).toBe(200);
  });
});
