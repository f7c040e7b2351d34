// Webinar mode in the browser's room client, against the protocol-speaking fake server:
// a viewer shows no media controls and sends nothing until a host promotes them; a
// demotion takes it back; roster batches add the stage only and keep the head count.
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerInfo } from '@lectern/server/protocol';
import { publishControls } from './publishControls.js';
import { RoomClient } from './RoomClient.js';
import type { RoomSnapshot } from './roomTypes.js';
import { FakeRoomServer, SESSION, TEACHER } from './test/fakeRoomServer.js';

const WEBINAR = { ...SESSION, webinarMode: true };
const viewer = (n: number): PeerInfo => ({ peerId: `guest:${n}`, displayName: `Viewer ${n}`, role: 'guest', producers: [] });

let server: FakeRoomServer;
const clients: RoomClient[] = [];

beforeEach(async () => {
  server = await FakeRoomServer.start();
  vi.stubGlobal('location', new URL(server.origin));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  vi.unstubAllGlobals();
  await server.close();
  expect(server.invalid).toEqual([]);
});

function open(): RoomClient {
  const mic = new FakeMediaStreamTrack({ kind: 'audio' });
  const handoff = { getTracks: () => [mic], getAudioTracks: () => [mic], getVideoTracks: () => [] } as unknown as MediaStream;
  const client = new RoomClient({
    sessionId: SESSION.id,
    token: 'token-1',
    prefs: { mic: true, camera: false },
    handoff,
    onToken: () => undefined,
    renewToken: () => Promise.resolve(null),
    onEnded: () => undefined,
    handlerFactory: FakeHandler.createFactory(fakeParameters),
  });
  clients.push(client);
  client.start();
  return client;
}

async function until(c: RoomClient, what: string, pred: (s: RoomSnapshot) => boolean): Promise<RoomSnapshot> {
  for (let i = 0; i < 800; i++) {
    if (pred(c.get())) return c.get();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; requests ${server.names().join(', ')}`);
}
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('webinar', { timeout: 15_000 }, () => {
  it('webinar publish controls: hidden for a viewer (a Viewer badge instead), shown otherwise', () => {
    const local = { canShareScreen: true } as RoomSnapshot['local'];
    expect(publishControls({ canPublish: false, local })).toEqual({ mic: false, camera: false, screen: false, viewerBadge: true });
    expect(publishControls({ canPublish: true, local })).toEqual({ mic: true, camera: true, screen: true, viewerBadge: false });
    expect(publishControls({ canPublish: true, local: { canShareScreen: false } as RoomSnapshot['local'] }).screen).toBe(false);
  });

  it('webinar viewer: joins without producing, mic off, no controls; promoted it can publish; demoted it stops', async () => {
    server.session = WEBINAR;
    server.override.join = () => ({ ok: true, data: { self: { peerId: 'peer-me', displayName: 'Sam Student', role: 'participant', producers: [] }, session: WEBINAR, peers: [TEACHER], lobby: [], rosterTotal: 120 } });
    const c = open();
    const s = await until(c, 'joined as a viewer', (x) => x.phase === 'joined' && x.peers.some((p) => p.audio !== null));
    await settle();
    expect(server.count('produce')).toBe(0);
    expect(s.canPublish).toBe(false);
    expect(s.webinar).toBe(true);
    expect(publishControls(c.get()).viewerBadge).toBe(true);
    expect(c.get().local.micOn).toBe(false);
    expect(c.get().peopleCount).toBe(121);
    // The mic control does nothing for a viewer (even if something called it).
    await c.toggleMic();
    expect(server.count('produce')).toBe(0);

    // The viewer's mic was closed; turning it on opens the device again.
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: () => Promise.resolve({ getAudioTracks: () => [new FakeMediaStreamTrack({ kind: 'audio' })] }) } });
    server.notify('peerPromoted', { peerId: 'peer-me', promoted: true });
    await until(c, 'promoted', (x) => x.canPublish);
    expect(publishControls(c.get()).mic).toBe(true);
    await c.toggleMic();
    await until(c, 'producing', () => server.count('produce') === 1);
    expect(c.get().local.micOn).toBe(true);

    server.notify('peerPromoted', { peerId: 'peer-me', promoted: false });
    await until(c, 'demoted', (x) => !x.canPublish && !x.local.micOn);
    expect(publishControls(c.get()).viewerBadge).toBe(true);
  });

  it('webinar roster batches: the stage becomes tiles, viewers only count; removals drop peers', async () => {
    server.session = WEBINAR;
    server.override.join = () => ({ ok: true, data: { self: { peerId: 'peer-me', displayName: 'Sam Student', role: 'participant', producers: [] }, session: WEBINAR, peers: [TEACHER], lobby: [], rosterTotal: 1 } });
    const c = open();
    await until(c, 'joined', (x) => x.phase === 'joined');
    const cohost: PeerInfo = { peerId: 'peer-co', displayName: 'Cora Cohost', role: 'cohost', producers: [] };
    server.notify('rosterChanged', { added: [...Array.from({ length: 50 }, (_, i) => viewer(i)), cohost, { ...viewer(99), peerId: 'peer-me' }], removed: [], total: 53 });
    const s = await until(c, 'batch applied', (x) => x.peopleCount === 53);
    expect(s.peers.map((p) => p.displayName).sort()).toEqual(['Ada Teacher', 'Cora Cohost']);
    server.notify('rosterChanged', { added: [], removed: ['peer-co', 'guest:1'], total: 51 });
    const after = await until(c, 'removal applied', (x) => x.peopleCount === 51);
    expect(after.peers.map((p) => p.displayName)).toEqual(['Ada Teacher']);
  });

  it('webinar off: everyone publishes as before', async () => {
    const c = open();
    await until(c, 'producing', (x) => x.phase === 'joined' && server.count('produce') > 0);
    expect(c.get().canPublish).toBe(true);
    expect(c.get().webinar).toBe(false);
    expect(publishControls(c.get()).viewerBadge).toBe(false);
  });
});
