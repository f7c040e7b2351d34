// One room across two SFU nodes (threshold one participant per node), one API node, a
// private Redis: participants placed on different nodes, media piped from one node to the
// other over SRTP PipeTransports, events told once, and a node's death felt only by its own.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { Redis } from 'ioredis';
import type { RtpCapabilities } from '@lectern/sfu';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import { RTC_NAMESPACE, type Ack } from '../protocol/index.js';
import { testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';
import type { SfuEvent } from '../bus/topics.js';
import { SFU_EVENTS_TOPIC } from '../sfu/SfuClient.js';
import type { RecordingDto } from '../recording/contract.js';
import { ffmpegProducer, type RtpProducer } from '../recording/test/rtpSources.js';
import { TestRedis } from './test/testRedis.js';

const OPUS_PT = 100;
const LEVEL_EXT_ID = 1;
/** An Opus RTP packet; with `level` (0 loudest .. 127 silence) it carries the ssrc-audio-level extension. */
const opusPacket = (ssrc: number, seq: number, level?: number): Buffer => {
  const ext = level === undefined ? 0 : 8;
  const p = Buffer.alloc(12 + ext + 3);
  p[0] = level === undefined ? 0x80 : 0x90;
  p[1] = OPUS_PT;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * 960) >>> 0, 4);
  p.writeUInt32BE(ssrc, 8);
  if (level !== undefined) {
    p.writeUInt16BE(0xbede, 12);
    p.writeUInt16BE(1, 14);
    p[16] = LEVEL_EXT_ID << 4;
    p[17] = 0x80 | level;
  }
  p.set([0xfc, 0xff, 0xfe], 12 + ext); // a tiny Opus frame
  return p;
};

describe('a room spanning SFU nodes', () => {
  let redis: TestRedis;
  let probe: Redis;
  let db: TestDb;
  let sfuA: Lectern;
  let sfuB: Lectern | undefined;
  let api: Lectern;
  let hostAuth: { authorization: string };
  let adminAuth: { authorization: string };
  const sockets: Socket[] = [];
  const udp: UdpSocket[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    probe = new Redis(redis.url);
    db = await createTestDb('pglite');
    const shared = testEnv({ REDIS_URL: redis.url, PORT: '0', LECTERN_SFU_ANNOUNCE_INTERVAL_MS: '300', LECTERN_NODE_ROOM_PEERS: '1' });
    const env = (extra: Record<string, string>) => loadConfig({ ...shared, ...extra });
    sfuA = await startLectern(env({ LECTERN_ROLE: 'sfu', LECTERN_NODE_ID: 'sfu-a', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: '25340' }), { db });
    sfuB = await startLectern(env({ LECTERN_ROLE: 'sfu', LECTERN_NODE_ID: 'sfu-b', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: '25341' }), { db });
    api = await startLectern(env({ LECTERN_ROLE: 'api', LECTERN_NODE_ID: 'api-a' }), { db, serveClient: false });
    const host = await createUser(db.db, { email: 'host-span@example.test', name: 'Host', password: 'host-password-1', role: 'teacher' }, 14);
    hostAuth = { authorization: `Bearer ${await api.runtime.ctx.tokens.signAccess({ userId: host.id, role: 'teacher' })}` };
    const admin = await createUser(db.db, { email: 'admin-span@example.test', name: 'Admin', password: 'admin-password-1', role: 'admin' }, 14);
    adminAuth = { authorization: `Bearer ${await api.runtime.ctx.tokens.signAccess({ userId: admin.id, role: 'admin' })}` };
  });
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.disconnect();
    for (const u of udp) u.close();
    await api?.close();
    await sfuB?.close();
    await sfuA?.close();
    probe?.disconnect();
    await db?.destroy();
    await redis?.stop();
  });

  const http = async <T>(method: string, url: string, body?: unknown, headers: Record<string, string> = hostAuth): Promise<T> => {
    const res = await fetch(`${api.url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${url}`).toBeLessThan(300);
    return (await res.json()) as T;
  };
  function open(token: string): { socket: Socket; events: { name: string; payload: unknown }[]; welcome: Promise<{ peerId: string }> } {
    const socket = connect(`${api.url}${RTC_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const events: { name: string; payload: unknown }[] = [];
    socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
    const welcome = new Promise<{ peerId: string }>((resolve, reject) => {
      socket.once('welcome', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, events, welcome };
  }
  const req = async <T>(socket: Socket, name: string, payload: unknown = {}): Promise<T> => {
    const ack = (await socket.timeout(10_000).emitWithAck(name, payload)) as Ack<T>;
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  };
  async function join(socket: Socket): Promise<RtpCapabilities> {
    const caps = await req<{ rtpCapabilities: RtpCapabilities }>(socket, 'getRouterRtpCapabilities');
    await req(socket, 'join', { rtpCapabilities: caps.rtpCapabilities });
    return caps.rtpCapabilities;
  }
  const count = (events: { name: string }[], name: string) => events.filter((e) => e.name === name).length;

  it('a room spanning SFU nodes: peers on two nodes, RTP piped across, events once, a node death felt by its own peers only', async () => {
    const sfu = api.services.sfu!;
    const s = await http<{ id: string }>('POST', '/api/sessions', { title: 'Across SFU nodes', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' });
    const roomId = s.id;
    await http('POST', `/api/sessions/${roomId}/start`);
    const { code } = await http<{ code: string }>('POST', `/api/sessions/${roomId}/codes`);
    const { roomToken: hostToken } = await http<{ roomToken: string }>('POST', `/api/sessions/${roomId}/room-token`);
    const { roomToken: guestToken } = await http<{ roomToken: string }>('POST', '/api/join', { code, displayName: 'Guest' }, {});

    const host = open(hostToken);
    const hostPeer = (await host.welcome).peerId;
    const caps = await join(host.socket);
    const guest = open(guestToken);
    const guestPeer = (await guest.welcome).peerId;
    await join(guest.socket);

    // Placement: the home node took one participant (the threshold), the other went to the other node.
    const home = await probe.get(`lectern:room:${roomId}:node`);
    const other = home === 'sfu-a' ? 'sfu-b' : 'sfu-a';
    expect(await probe.hgetall(`lectern:room:${roomId}:peers`)).toEqual({ [hostPeer]: home, [guestPeer]: other });
    const layout = await http<{ nodes: { nodeId: string; routers: { peers: number }[] }[] }>('GET', `/api/admin/rooms/${roomId}`, undefined, adminAuth);
    expect(layout.nodes.map((n) => [n.nodeId, n.routers[0]?.peers]).sort()).toEqual([['sfu-a', 1], ['sfu-b', 1]]);

    // The host publishes audio (hand-made Opus RTP into a plain transport) on the home node.
    const ssrc = 55667788;
    const send = await sfu.call('createPlainTransport', { roomId, peerId: hostPeer, direction: 'send', comedia: true });
    const { id: producerId } = await sfu.call('produce', {
      roomId,
      peerId: hostPeer,
      transportId: send.id,
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] },
      appData: { source: 'mic' },
    });
    const sender = createSocket('udp4');
    udp.push(sender);
    let seq = 0;
    timers.push(setInterval(() => sender.send(opusPacket(ssrc, seq++), send.port, send.ip), 20));

    // The guest (on the other node) hears of it exactly once, and receives it from there.
    await expect.poll(() => count(guest.events, 'newProducer')).toBe(1);
    const listed = await sfu.call('listProducers', { roomId });
    expect(listed).toEqual([{ peerId: hostPeer, producerId, kind: 'audio', source: 'mic', paused: false }]);
    const received = new Map<number, number>();
    const sink = createSocket('udp4');
    udp.push(sink);
    sink.on('message', (m) => m.length >= 12 && received.set(m.readUInt32BE(8), (received.get(m.readUInt32BE(8)) ?? 0) + 1));
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const recv = await sfu.call('createPlainTransport', { roomId, peerId: guestPeer, direction: 'recv', comedia: false });
    await sfu.call('connectPlainTransport', { roomId, peerId: guestPeer, transportId: recv.id, ip: '127.0.0.1', port: sink.address().port, rtcpPort: sink.address().port });
    const consumer = await sfu.call('consume', { roomId, peerId: guestPeer, transportId: recv.id, producerId, rtpCapabilities: caps });
    await sfu.call('resumeConsumer', { roomId, peerId: guestPeer, consumerId: consumer.id });
    const outSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? -1;
    await expect.poll(() => received.get(outSsrc) ?? 0, { timeout: 10_000 }).toBeGreaterThan(20);
    // Nobody was told of the piped copy on the other node.
    await new Promise((r) => setTimeout(r, 300));
    expect(count(guest.events, 'newProducer')).toBe(1);
    expect(count(host.events, 'newProducer')).toBe(0);

    // The two nodes are linked by one pipe pair.
    const homeNode = home === 'sfu-a' ? sfuA : sfuB!;
    const guestNode = other === 'sfu-b' ? sfuB! : sfuA;
    expect((await homeNode.sfuHost!.node.roomLayout({ roomId })).pipes).toEqual([other]);
    expect((await guestNode.sfuHost!.node.roomLayout({ roomId })).pipes).toEqual([home]);

    // A host mute reaches the piped copy: the guest's consumer on the other node is told, the guest's socket once.
    await sfu.call('pauseProducer', { roomId, peerId: hostPeer, producerId });
    await expect.poll(async () => (await sfu.call('listConsumers', { roomId, peerId: guestPeer }))[0]?.producerPaused).toBe(true);
    const pausedAt = received.get(outSsrc) ?? 0;
    await new Promise((r) => setTimeout(r, 400));
    expect((received.get(outSsrc) ?? 0) - pausedAt).toBeLessThan(5);
    await sfu.call('resumeProducer', { roomId, peerId: hostPeer, producerId });
    await expect.poll(async () => (await sfu.call('listConsumers', { roomId, peerId: guestPeer }))[0]?.producerPaused).toBe(false);
    await expect.poll(() => received.get(outSsrc) ?? 0, { timeout: 5000 }).toBeGreaterThan(pausedAt + 10);
    expect(count(guest.events, 'producerPaused')).toBe(1);
    expect(count(guest.events, 'producerResumed')).toBe(1);

    // The host closes it: the guest is told once, and its consumer on the other node closes.
    await sfu.call('closeProducer', { roomId, peerId: hostPeer, producerId });
    await expect.poll(() => count(guest.events, 'consumerClosed')).toBe(1);
    expect(count(guest.events, 'producerClosed')).toBe(1);

    // The guest speaks on its node: the room's home node tells who speaks, everyone hears it once.
    const talk = await sfu.call('createPlainTransport', { roomId, peerId: guestPeer, direction: 'send', comedia: true });
    await sfu.call('produce', {
      roomId,
      peerId: guestPeer,
      transportId: talk.id,
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: LEVEL_EXT_ID }],
        encodings: [{ ssrc: 11223344 }],
      },
      appData: { source: 'mic' },
    });
    let talkSeq = 0;
    timers.push(setInterval(() => sender.send(opusPacket(11223344, talkSeq++, 5 + (talkSeq % 25)), talk.port, talk.ip), 20));
    const speakers = (events: { name: string; payload: unknown }[]) => events.filter((e) => e.name === 'activeSpeaker').map((e) => (e.payload as { peerId: string }).peerId);
    await expect.poll(() => speakers(host.events), { timeout: 8000 }).toContain(guestPeer);
    await new Promise((r) => setTimeout(r, 300));
    expect(speakers(guest.events)).toEqual(speakers(host.events));
    // (The host's earlier mic, alone on the home node then, was its first pick.) No two nodes take turns.
    expect(speakers(host.events).at(-1)).toBe(guestPeer);
    expect(speakers(host.events).every((p, i, all) => i === 0 || p !== all[i - 1])).toBe(true);

    // The guest's node dies: only the guest is told to reconnect; the host stays. For the
    // cluster the room goes on: its participants there are lost, the room is not closed.
    const told: SfuEvent[] = [];
    await api.runtime.ctx.bus.subscribe(SFU_EVENTS_TOPIC, (e) => void told.push(e));
    await guestNode.close();
    if (guestNode === sfuB) sfuB = undefined;
    else sfuA = sfuB!; // keep closing the survivor in afterAll
    await expect.poll(() => count(guest.events, 'reconnectRequired'), { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 1500)); // a few sweeps of the watcher
    expect(count(guest.events, 'reconnectRequired')).toBe(1);
    expect(count(host.events, 'reconnectRequired')).toBe(0);
    expect(told.filter((e) => e.roomId === roomId && (e.type === 'peersLost' || e.type === 'roomClosed'))).toEqual([{ type: 'peersLost', roomId, peerIds: [guestPeer], nodeId: other }]);
    // The surviving node closed its pipe towards the dead one.
    await expect.poll(async () => (await homeNode.sfuHost!.node.roomLayout({ roomId })).pipes).toEqual([]);
    // The guest joins again and is placed on the surviving node, with the host.
    await join(guest.socket);
    expect(await probe.hgetall(`lectern:room:${roomId}:peers`)).toEqual({ [hostPeer]: home, [guestPeer]: home });
  });

  it('a draining SFU node of a spanning room takes nobody new; when its last participant leaves, its pipes go and the room goes on', async () => {
    const sfu = api.services.sfu!;
    // A third node for this test: the only one besides the survivor of the test above.
    const nodeC = await startLectern(loadConfig(testEnv({ REDIS_URL: redis.url, PORT: '0', LECTERN_SFU_ANNOUNCE_INTERVAL_MS: '300', LECTERN_NODE_ROOM_PEERS: '1', LECTERN_ROLE: 'sfu', LECTERN_NODE_ID: 'sfu-c', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: '25342' })), { db });
    try {
      // The test above leaves its people in the survivor: they go, so that a drained node empties with this room.
      for (const old of sockets.splice(0)) old.disconnect();
      await expect.poll(async () => (await (sfuB ?? sfuA).sfuHost!.node.load()).peers).toBe(0);
      const s = await http<{ id: string }>('POST', '/api/sessions', { title: 'Draining', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' });
      const roomId = s.id;
      await http('POST', `/api/sessions/${roomId}/start`);
      const { code } = await http<{ code: string }>('POST', `/api/sessions/${roomId}/codes`);
      const { roomToken: hostToken } = await http<{ roomToken: string }>('POST', `/api/sessions/${roomId}/room-token`);
      const guestToken = async (name: string) => (await http<{ roomToken: string }>('POST', '/api/join', { code, displayName: name }, {})).roomToken;
      await expect.poll(async () => (await probe.smembers('lectern:sfu:nodes')).sort()).toContain('sfu-c');
      await new Promise((r) => setTimeout(r, 600)); // past the API node's cache of live nodes
      const host = open(hostToken);
      const hostPeer = (await host.welcome).peerId;
      const caps = await join(host.socket);
      const home = (await probe.get(`lectern:room:${roomId}:node`))!;
      const guest = open(await guestToken('Guest'));
      const guestPeer = (await guest.welcome).peerId;
      await join(guest.socket);
      const placed = await probe.hgetall(`lectern:room:${roomId}:peers`);
      const other = placed[guestPeer]!;
      expect(other).not.toBe(home);
      const homeNode = [sfuA, sfuB, nodeC].find((n) => n?.sfuHost?.nodeId === home)!;
      const otherNode = [sfuA, sfuB, nodeC].find((n) => n?.sfuHost?.nodeId === other)!;
      // The guest publishes on its node; the host's consumer there links the nodes.
      const talk = await sfu.call('createPlainTransport', { roomId, peerId: guestPeer, direction: 'send', comedia: true });
      const { id: producerId } = await sfu.call('produce', {
        roomId,
        peerId: guestPeer,
        transportId: talk.id,
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 99887766 }] },
        appData: { source: 'mic' },
      });
      const recv = await sfu.call('createPlainTransport', { roomId, peerId: hostPeer, direction: 'recv', comedia: false });
      await sfu.call('consume', { roomId, peerId: hostPeer, transportId: recv.id, producerId, rtpCapabilities: caps });
      expect((await homeNode.sfuHost!.node.roomLayout({ roomId })).pipes).toEqual([other]);

      // The guest's node drains: nobody new goes there.
      const told: SfuEvent[] = [];
      await api.runtime.ctx.bus.subscribe(SFU_EVENTS_TOPIC, (e) => void told.push(e));
      const drained = otherNode.drain();
      await expect.poll(async () => (JSON.parse((await probe.get(`lectern:sfu:node:${other}`)) ?? '{}') as { draining?: boolean }).draining).toBe(true);
      const late = open(await guestToken('Late'));
      const latePeer = (await late.welcome).peerId;
      await join(late.socket);
      expect((await probe.hgetall(`lectern:room:${roomId}:peers`))[latePeer]).not.toBe(other);

      // Its last participant leaves: the drain ends, the node stops, the pipes towards it go.
      guest.socket.disconnect();
      expect(await drained).toBe('empty');
      await otherNode.close();
      await expect.poll(async () => (await homeNode.sfuHost!.node.roomLayout({ roomId })).pipes).toEqual([]);
      await new Promise((r) => setTimeout(r, 300));
      expect(told.filter((e) => e.roomId === roomId && (e.type === 'peersLost' || e.type === 'roomClosed'))).toEqual([{ type: 'peersLost', roomId, peerIds: [], nodeId: other }]);
      // The room goes on: the host and the latecomer are still in it, nobody was told to reconnect.
      expect(count(host.events, 'reconnectRequired') + count(late.events, 'reconnectRequired')).toBe(0);
      expect(Object.keys(await probe.hgetall(`lectern:room:${roomId}:peers`)).sort()).toEqual([hostPeer, latePeer].sort());
    } finally {
      await nodeC.close();
    }
  });

  it('a room spanning SFU nodes is recorded whole: the recorder gets every participant\'s camera and mic, whichever node carries them', async () => {
    // Two nodes of its own (the tests above may have left one node, or none).
    const node = (id: string, port: number) =>
      startLectern(loadConfig(testEnv({ REDIS_URL: redis.url, PORT: '0', LECTERN_SFU_ANNOUNCE_INTERVAL_MS: '300', LECTERN_NODE_ROOM_PEERS: '1', LECTERN_ROLE: 'sfu', LECTERN_NODE_ID: id, LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: String(port) })), { db });
    const [nodeD, nodeE] = [await node('sfu-d', 25343), await node('sfu-e', 25344)];
    const producers: RtpProducer[] = [];
    try {
      for (const old of sockets.splice(0)) old.disconnect();
      await expect.poll(async () => (await probe.smembers('lectern:sfu:nodes')).sort()).toEqual(expect.arrayContaining(['sfu-d', 'sfu-e']));
      await new Promise((r) => setTimeout(r, 600)); // past the API node's cache of live nodes
      const s = await http<{ id: string }>('POST', '/api/sessions', { title: 'Recorded across nodes', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' });
      const roomId = s.id;
      await http('POST', `/api/sessions/${roomId}/start`);
      const { code } = await http<{ code: string }>('POST', `/api/sessions/${roomId}/codes`);
      const { roomToken: hostToken } = await http<{ roomToken: string }>('POST', `/api/sessions/${roomId}/room-token`);
      const { roomToken: guestToken } = await http<{ roomToken: string }>('POST', '/api/join', { code, displayName: 'Guest' }, {});
      const people: string[] = [];
      for (const token of [hostToken, guestToken]) {
        const p = open(token);
        people.push((await p.welcome).peerId);
        await join(p.socket);
      }
      const placed = await probe.hgetall(`lectern:room:${roomId}:peers`);
      expect(new Set(people.map((p) => placed[p])).size).toBe(2); // one on each node
      const nodeOf = (peerId: string) => [sfuA, sfuB, nodeD, nodeE].find((n) => n?.sfuHost?.nodeId === placed[peerId])!.sfuHost!.node;
      for (const [i, peerId] of people.entries()) {
        producers.push(await ffmpegProducer(nodeOf(peerId), roomId, peerId, 'webcam', `testsrc=size=320x240:rate=10`));
        producers.push(await ffmpegProducer(nodeOf(peerId), roomId, peerId, 'mic', `sine=frequency=${440 + 220 * i}:sample_rate=48000`));
      }
      for (const p of producers) await p.flowing();

      const { id: rid } = await http<{ id: string }>('POST', `/api/sessions/${roomId}/recordings`);
      await new Promise((r) => setTimeout(r, 4000));
      await http('POST', `/api/sessions/${roomId}/recordings/${rid}/stop`);
      await api.services.recorder!.idle();
      const [done] = (await http<RecordingDto[]>('GET', `/api/sessions/${roomId}/recordings`)).filter((r) => r.id === rid);
      expect(done?.status).toBe('ready');
      expect(done?.tracks.map((t) => `${t.peerId}/${t.source}`).sort()).toEqual(people.flatMap((p) => [`${p}/mic`, `${p}/webcam`]).sort());
      // Every track holds most of the 4 s recorded (a busy machine delays a camera's first key frame), whichever node its producer is on.
      for (const t of done?.tracks ?? []) expect(t.endSeconds - t.startSeconds, `${t.peerId}/${t.source}`).toBeGreaterThan(2);
    } finally {
      for (const p of producers) await p.stop();
      await nodeD.close();
      await nodeE.close();
    }
  });

  it('the room\'s home node goes: the new home hears the audio of the room\'s other nodes, and tells who speaks', async () => {
    const node = (id: string, port: number) =>
      startLectern(loadConfig(testEnv({ REDIS_URL: redis.url, PORT: '0', LECTERN_SFU_ANNOUNCE_INTERVAL_MS: '300', LECTERN_NODE_ROOM_PEERS: '1', LECTERN_ROLE: 'sfu', LECTERN_NODE_ID: id, LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: String(port) })), { db });
    const fresh = [await node('sfu-f', 25345), await node('sfu-g', 25346), await node('sfu-h', 25347)];
    const sfu = api.services.sfu!;
    try {
      for (const old of sockets.splice(0)) old.disconnect();
      await expect.poll(async () => (await probe.smembers('lectern:sfu:nodes')).sort()).toEqual(expect.arrayContaining(['sfu-f', 'sfu-g', 'sfu-h']));
      await new Promise((r) => setTimeout(r, 600)); // past the API node's cache of live nodes
      const s = await http<{ id: string }>('POST', '/api/sessions', { title: 'Three nodes', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' });
      const roomId = s.id;
      await http('POST', `/api/sessions/${roomId}/start`);
      const { code } = await http<{ code: string }>('POST', `/api/sessions/${roomId}/codes`);
      const { roomToken: hostToken } = await http<{ roomToken: string }>('POST', `/api/sessions/${roomId}/room-token`);
      const host = open(hostToken);
      const hostPeer = (await host.welcome).peerId;
      await join(host.socket);
      const guests: string[] = [];
      for (const name of ['One', 'Two']) {
        const g = open((await http<{ roomToken: string }>('POST', '/api/join', { code, displayName: name }, {})).roomToken);
        guests.push((await g.welcome).peerId);
        await join(g.socket);
      }
      const placed = await probe.hgetall(`lectern:room:${roomId}:peers`);
      const home = (await probe.get(`lectern:room:${roomId}:node`))!;
      expect(new Set([hostPeer, ...guests].map((p) => placed[p]))).toEqual(new Set([home, placed[guests[0]!], placed[guests[1]!]]));
      expect(new Set(Object.values(placed)).size).toBe(3); // three nodes
      // Both guests have a microphone (silent for now), each on its own node: piped to the home node.
      const mics = new Map<string, { port: number; ip: string; ssrc: number }>();
      for (const [i, peerId] of guests.entries()) {
        const t = await sfu.call('createPlainTransport', { roomId, peerId, direction: 'send', comedia: true });
        const ssrc = 31_000_000 + i;
        await sfu.call('produce', {
          roomId,
          peerId,
          transportId: t.id,
          kind: 'audio',
          rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }], headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: LEVEL_EXT_ID }], encodings: [{ ssrc }] },
          appData: { source: 'mic' },
        });
        mics.set(peerId, { port: t.port, ip: t.ip, ssrc });
      }

      // The home node goes; its participant (the host) is told to reconnect and joins again.
      const homeLectern = [sfuA, sfuB, ...fresh].find((n) => n?.sfuHost?.nodeId === home)!;
      await homeLectern.close();
      await expect.poll(() => count(host.events, 'reconnectRequired'), { timeout: 10_000 }).toBe(1);
      // As the client does: a join refused while the old node is still on its way out is tried again.
      for (let attempt = 0; ; attempt++) {
        const ok = await join(host.socket).then(() => true, (err: unknown) => (attempt < 20 ? false : Promise.reject(err as Error)));
        if (ok) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const newHome = (await probe.get(`lectern:room:${roomId}:node`))!;
      expect(newHome).not.toBe(home);
      expect([placed[guests[0]!], placed[guests[1]!]]).toContain(newHome);

      // The guest on the node that is not the new home speaks: only its piped audio can tell.
      const speaker = guests.find((g) => placed[g] !== newHome)!;
      const mic = mics.get(speaker)!;
      const sender = createSocket('udp4');
      udp.push(sender);
      let seq = 0;
      timers.push(setInterval(() => sender.send(opusPacket(mic.ssrc, seq++, 5 + (seq % 20)), mic.port, mic.ip), 20));
      const speakers = () => host.events.filter((e) => e.name === 'activeSpeaker').map((e) => (e.payload as { peerId: string }).peerId);
      await expect.poll(speakers, { timeout: 10_000 }).toContain(speaker);
    } finally {
      for (const n of fresh) await n.close();
    }
  });
});
