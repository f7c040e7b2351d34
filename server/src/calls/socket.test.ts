// Calls over the /user socket: every open tab of a rung member gets `callRinging`; accepting
// in one tab stops the ringing in all of them (`callStopped`); the caller hears `callDeclined`;
// members with a tab open get no Web Push, the others do.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { inArray } from 'drizzle-orm';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox, pushSubscriptions } from '@lectern/db';
import type { Conversation } from '../chat/contract.js';
import { classroom } from '../notifications/test/fixtures.js';
import { attachUserNamespace, USER_NAMESPACE, type UserSocket } from '../notifications/userSocket.js';
import { dbKinds, useTestApp, type TestUser as U } from '../test/harness.js';
import type { CallDeclined, CallJoin, CallStopped, RingingCall } from './contract.js';
import { bindCallSockets, unbindCallSockets } from './live.js';

describe.each(dbKinds())('calls over the /user socket on %s', (kind) => {
  const t = useTestApp(kind);
  let io: Server;
  let ns: UserSocket;
  let url: string;
  const sockets: Socket[] = [];
  let teacher: U;
  let s1: U;
  let s2: U;

  beforeAll(async () => {
    const http = createServer();
    io = new Server(http);
    ns = await attachUserNamespace({ io, bus: t.runtime.ctx.bus, tokens: t.runtime.ctx.tokens, accessGate: t.runtime.ctx.accessGate, logger: t.runtime.ctx.logger, db: t.runtime.ctx.db });
    bindCallSockets(t.runtime.ctx, io);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const addr = http.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}${USER_NAMESPACE}`;
    ({ teacher, s1, s2 } = await classroom(t));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    unbindCallSockets(t.runtime.ctx);
    await ns?.close();
    await io?.close();
  });

  const open = (u: U) => {
    const s = connect(url, { auth: { token: u.headers.authorization.slice(7) }, transports: ['websocket'] });
    sockets.push(s);
    return new Promise<Socket>((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  };
  const next = <T>(s: Socket, event: string) => new Promise<T>((resolve) => s.once(event, resolve));
  const post = async <T>(u: U, url: string, payload?: object): Promise<T> => {
    const res = await t.app.inject({ method: 'POST', url, headers: u.headers, payload: payload ?? {} });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json<T>();
  };

  it('calls socket: both tabs ring, accepting in one stops both; only the member without a tab is pushed', async () => {
    for (const u of [s1, s2]) await t.runtime.ctx.db.insert(pushSubscriptions).values({ userId: u.id, endpoint: `https://push.example/${randomUUID()}`, p256dh: 'k', auth: 'a' });
    const [tabA, tabB] = [await open(s1), await open(s1)];
    const g = await post<Conversation>(teacher, '/api/chats', { kind: 'group', title: 'Lab', memberIds: [s1.id, s2.id] });
    const rings = [next<RingingCall>(tabA, 'callRinging'), next<RingingCall>(tabB, 'callRinging')];
    const { callId } = await post<CallJoin>(teacher, `/api/chats/${g.id}/call`);
    for (const r of await Promise.all(rings)) expect(r).toMatchObject({ callId, callerName: 'Tess Teacher', conversationTitle: 'Lab', conversationKind: 'group' });
    const push = await t.runtime.ctx.db.select().from(notificationOutbox).where(inArray(notificationOutbox.eventKey, [`call.ringing.push:${callId}`]));
    expect(push.map((r) => r.recipientId)).toEqual([s2.id]);
    const stops = [next<CallStopped>(tabA, 'callStopped'), next<CallStopped>(tabB, 'callStopped')];
    await post<CallJoin>(s1, `/api/calls/${callId}/accept`);
    expect(await Promise.all(stops)).toEqual([
      { callId, reason: 'accepted' },
      { callId, reason: 'accepted' },
    ]);
  });

  it('calls socket: the caller hears a decline', async () => {
    const caller = await open(teacher);
    const pair = await post<Conversation>(teacher, '/api/chats', { kind: 'direct', memberIds: [s2.id] });
    const { callId } = await post<CallJoin>(teacher, `/api/chats/${pair.id}/call`);
    const declined = next<CallDeclined>(caller, 'callDeclined');
    await post(s2, `/api/calls/${callId}/decline`);
    expect(await declined).toEqual({ callId, userId: s2.id, name: 'Ada Student', callEnded: true });
  });
});
