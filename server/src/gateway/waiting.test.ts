// Before the host starts: participants wait ("waiting for the host to start"), the host
// and co-hosts are told once per burst, and the start lets the waiting in (or into the
// lobby when guests are let in by hand). Real Socket.IO, mediasoup and database.
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox, notifications, users } from '@lectern/db';
import { dbKinds, type TestDb } from '@lectern/db/testing';
import type { Lectern } from '../lectern.js';
import { roomSockets, waitFor } from './test/roomSockets.js';
import { startSocketLectern } from './test/socketLectern.js';

const PORT_BASE = 24000 + Math.floor(Math.random() * 400) * 2;

describe.each(dbKinds())('waiting for the start on %s', (kind) => {
  let db: TestDb;
  let lectern: Lectern;
  let hostAuth: { authorization: string };
  let hostId: string;

  beforeAll(async () => {
    ({ db, lectern, host: hostAuth } = await startSocketLectern(kind, PORT_BASE));
    const [host] = await db.db.select({ id: users.id }).from(users).where(eq(users.email, 'host@example.test'));
    hostId = host!.id;
  });
  afterAll(async () => {
    rooms.closeAll();
    await lectern?.close();
    await db?.destroy();
  });

  const rooms = roomSockets(
    () => lectern,
    () => hostAuth,
  );
  const { api, open, req, joinRoom, guestToken, hostToken } = rooms;

  const waitingNotices = (sid: string) =>
    db.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, hostId), like(notifications.eventKey, `session.waiting:${sid}:%`)));
  const sends = async (sid: string) =>
    (await db.db.select().from(notificationOutbox).where(like(notificationOutbox.eventKey, `session.waiting:${sid}:%`))).map((r) => `${r.channel}:${r.status}`);

  it('a guest before the start waits, cannot join, and the host is told once for a burst', async () => {
    const { sid, code } = await rooms.session({ start: false });
    const ana = open(await guestToken(code, 'Ana'));
    expect((await ana.welcome).state).toBe('waiting');
    const refused = await req(ana, 'getRouterRtpCapabilities');
    expect(refused).toMatchObject({ ok: false, error: { code: 'in_lobby', message: 'Waiting for the host to start the session' } });

    await waitFor(async () => (await waitingNotices(sid)).length === 1, 15_000);
    const [notice] = await waitingNotices(sid);
    expect(notice).toMatchObject({ type: 'session.waiting', urgent: true, title: 'Ana is waiting: Gateway test', link: `/sessions/${sid}` });

    // More arrivals in the same burst add no second notice; the host's own socket gets in at once.
    const ben = open(await guestToken(code, 'Ben'));
    expect((await ben.welcome).state).toBe('waiting');
    const host = open(await hostToken(sid));
    expect((await host.welcome).state).toBe('ready');
    await new Promise((r) => setTimeout(r, 1500)); // two dispatcher polls
    expect(await waitingNotices(sid)).toHaveLength(1);
    expect(await sends(sid)).toEqual(['in_app:sent']); // no email; push only for subscribed devices
  });

  it('starting lets the waiting in and takes the notice back', async () => {
    const { sid, code } = await rooms.session({ start: false });
    const ana = open(await guestToken(code, 'Ana'));
    await ana.welcome;
    await waitFor(async () => (await waitingNotices(sid)).length === 1, 15_000);

    // No fresh room token while waiting for the start: it would outlive the join code.
    expect(await req(ana, 'getRouterRtpCapabilities')).toMatchObject({ ok: false, error: { code: 'in_lobby' } });
    expect(ana.events.filter((e) => e.name === 'tokenRefreshed')).toEqual([]);
    expect((await api('POST', `/api/sessions/${sid}/start`)).status).toBe(200);
    await waitFor(() => ana.events.some((e) => e.name === 'sessionStarted'));
    expect(ana.events.find((e) => e.name === 'sessionStarted')?.payload).toEqual({ state: 'ready' });
    await waitFor(() => ana.events.some((e) => e.name === 'tokenRefreshed')); // let in: refreshing starts
    await joinRoom(ana);
    expect(await waitingNotices(sid)).toHaveLength(0);
  });

  it('with guests let in by hand, the start moves the waiting guest to the lobby and the host sees them', async () => {
    const { sid, code } = await rooms.session({ start: false, guestAccess: 'lobby' });
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const ana = open(await guestToken(code, 'Ana'));
    expect((await ana.welcome).state).toBe('waiting');

    await api('POST', `/api/sessions/${sid}/start`);
    await waitFor(() => ana.events.some((e) => e.name === 'sessionStarted'));
    expect(ana.events.find((e) => e.name === 'sessionStarted')?.payload).toEqual({ state: 'lobby' });
    // The host's socket is told too (its own delivery: no order against the guest's).
    await waitFor(() => host.events.some((e) => e.name === 'sessionStarted'));
    expect(host.events.find((e) => e.name === 'sessionStarted')?.payload).toEqual({ state: 'ready' });
    await waitFor(() => host.events.some((e) => e.name === 'lobbyChanged' && JSON.stringify(e.payload).includes('Ana')));
    expect(await req(ana, 'getRouterRtpCapabilities')).toMatchObject({ ok: false, error: { code: 'in_lobby', message: 'Waiting in the lobby' } });
    expect(ana.events.filter((e) => e.name === 'tokenRefreshed')).toEqual([]); // from waiting into the lobby: still none
  });

  it('cancelling tells the waiting it will not take place and withdraws the notice', async () => {
    const { sid, code } = await rooms.session({ start: false });
    const ana = open(await guestToken(code, 'Ana'));
    await ana.welcome;
    await waitFor(async () => (await waitingNotices(sid)).length === 1, 15_000);
    const cancelled = await api('POST', `/api/sessions/${sid}/cancel`, { scope: 'one', reason: 'Teacher is ill' });
    expect(cancelled.status).toBe(200);
    await waitFor(() => ana.events.some((e) => e.name === 'sessionEnded'));
    await waitFor(() => !ana.socket.connected);
    expect(await waitingNotices(sid)).toHaveLength(0);
  });
});
