// Recording over the signaling socket: the host starts and stops it, the room is told
// (recordingChanged), people joining are told in welcome and join, guests may not record.
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, type TestDb } from '@lectern/db/testing';
import type { Lectern } from '../lectern.js';
import { startSocketLectern } from '../gateway/test/socketLectern.js';
import { RTC_NAMESPACE, type Ack } from '../protocol/index.js';

interface Client {
  socket: Socket;
  welcome: Promise<{ session: { recording: boolean } }>;
  changes: { recording: boolean; recordingId: string | null }[];
}

describe.each(dbKinds())('recording over the socket on %s', { timeout: 120_000 }, (kind) => {
  let db: TestDb;
  let lectern: Lectern;
  let host: { authorization: string };
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ({ db, lectern, host } = await startSocketLectern(kind, 25430));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await lectern?.close();
    await db?.destroy();
  });

  const api = async <T>(method: string, url: string, body?: unknown, headers: Record<string, string> = host) => {
    const res = await fetch(`${lectern.url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  function open(token: string): Client {
    const socket = connect(`${lectern.url}${RTC_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const changes: Client['changes'] = [];
    socket.on('recordingChanged', (c: Client['changes'][number]) => changes.push(c));
    const welcome = new Promise<Client['welcome'] extends Promise<infer W> ? W : never>((resolve, reject) => {
      socket.once('welcome', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, welcome, changes };
  }
  const req = <T = unknown>(c: Client, name: string, payload: unknown = {}) => c.socket.timeout(15_000).emitWithAck(name, payload) as Promise<Ack<T>>;
  async function join(c: Client): Promise<{ session: { recording: boolean } }> {
    const caps = await req<{ rtpCapabilities: unknown }>(c, 'getRouterRtpCapabilities');
    if (!caps.ok) throw new Error(caps.error.message);
    const j = await req<{ session: { recording: boolean } }>(c, 'join', { rtpCapabilities: caps.data.rtpCapabilities });
    if (!j.ok) throw new Error(j.error.message);
    return j.data;
  }
  const until = async (cond: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('recording over the socket: host starts and stops, the room and joiners are told, guests cannot record', async () => {
    const s = await api<{ id: string }>('POST', '/api/sessions', { title: 'Socket rec', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' });
    const sid = s.body.id;
    await api('POST', `/api/sessions/${sid}/start`);
    const code = (await api<{ code: string }>('POST', `/api/sessions/${sid}/codes`)).body.code;
    const hostToken = (await api<{ roomToken: string }>('POST', `/api/sessions/${sid}/room-token`)).body.roomToken;
    const guestToken = async (name: string) => (await api<{ roomToken: string }>('POST', '/api/join', { code, displayName: name }, {})).body.roomToken;

    const h = open(hostToken);
    expect((await h.welcome).session.recording).toBe(false);
    expect((await join(h)).session.recording).toBe(false);
    const g = open(await guestToken('Gia'));
    await g.welcome;
    await join(g);

    expect(await req(g, 'startRecording')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const started = await req<{ recordingId: string }>(h, 'startRecording');
    if (!started.ok) throw new Error(started.error.message);
    const rid = started.data.recordingId;
    await until(() => h.changes.length > 0 && g.changes.length > 0);
    expect(g.changes).toEqual([{ recording: true, recordingId: rid }]);
    expect(await req(h, 'startRecording')).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Someone joining now is told, in welcome and in join.
    const late = open(await guestToken('Lee'));
    expect((await late.welcome).session.recording).toBe(true);
    expect((await join(late)).session.recording).toBe(true);

    expect(await req(g, 'stopRecording')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await req(h, 'stopRecording')).ok).toBe(true);
    await until(() => g.changes.length === 2 && late.changes.length === 1);
    expect(g.changes[1]).toEqual({ recording: false, recordingId: null });
    expect((await join(late)).session.recording).toBe(false);

    await lectern.services.recorder!.idle();
    const list = await api<{ id: string; status: string }[]>('GET', `/api/sessions/${sid}/recordings`);
    expect(list.body).toEqual([expect.objectContaining({ id: rid, status: 'ready' })]);
  });
});
