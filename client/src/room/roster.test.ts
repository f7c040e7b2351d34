import type { PeerInfo, ProducerInfo } from '@lectern/server/protocol';
import { describe, expect, it } from 'vitest';
import { allProducers, EMPTY_ROSTER, hasProducer, isProducerPaused, lobbyChanges, reduceRoster, type RosterEvent, type RosterState } from './roster.js';

const producer = (peerId: string, producerId: string, source: ProducerInfo['source'] = 'mic', paused = false): ProducerInfo => ({
  producerId,
  peerId,
  kind: source === 'mic' ? 'audio' : 'video',
  source,
  paused,
});
const peer = (peerId: string, producers: ProducerInfo[] = [], displayName = peerId): PeerInfo => ({ peerId, displayName, role: 'participant', producers });
const lobbyEntry = (peerId: string) => ({ peerId, displayName: peerId.toUpperCase(), since: '2026-01-01T00:00:00.000Z' });

const run = (...events: RosterEvent[]): RosterState => events.reduce(reduceRoster, EMPTY_ROSTER);

describe('roster reducer', () => {
  it('takes the join answer as the whole room, without ourselves', () => {
    const s = run({ type: 'joined', self: 'me', peers: [peer('me'), peer('ada', [producer('ada', 'p1')])], lobby: [lobbyEntry('bao')], total: 1 });
    expect(s.self).toBe('me');
    expect([...s.peers.keys()]).toEqual(['ada']);
    expect(s.lobby.map((e) => e.peerId)).toEqual(['bao']);
    expect(allProducers(s).map((p) => p.producerId)).toEqual(['p1']);
  });

  it('ignores our own peer and producers', () => {
    const s = run({ type: 'self', peerId: 'me' }, { type: 'peerJoined', peer: peer('me') }, { type: 'newProducer', producer: producer('me', 'mine') });
    expect(s.peers.size).toBe(0);
    expect(reduceRoster(s, { type: 'producerPaused', peerId: 'me', producerId: 'mine', paused: true })).toBe(s);
  });

  it('keeps a producer announced before its peer', () => {
    const s = run({ type: 'self', peerId: 'me' }, { type: 'newProducer', producer: producer('ada', 'cam', 'webcam') }, { type: 'peerJoined', peer: peer('ada', [producer('ada', 'mic')], 'Ada') });
    const ada = s.peers.get('ada')!;
    expect(ada.displayName).toBe('Ada');
    expect([...ada.producers.keys()].sort()).toEqual(['cam', 'mic']);
  });

  it('names an unknown sender a guest until they are announced', () => {
    const s = run({ type: 'newProducer', producer: producer('x', 'p') });
    expect(s.peers.get('x')).toMatchObject({ displayName: 'Guest', role: 'guest' });
    expect(hasProducer(s, 'x', 'p')).toBe(true);
  });

  it('pauses, resumes and closes producers without mutating the previous state', () => {
    const before = run({ type: 'peerJoined', peer: peer('ada', [producer('ada', 'mic')]) });
    const paused = reduceRoster(before, { type: 'producerPaused', peerId: 'ada', producerId: 'mic', paused: true });
    expect(isProducerPaused(paused, 'ada', 'mic')).toBe(true);
    expect(isProducerPaused(before, 'ada', 'mic')).toBe(false);
    expect(reduceRoster(paused, { type: 'producerPaused', peerId: 'ada', producerId: 'mic', paused: true })).toBe(paused);
    const resumed = reduceRoster(paused, { type: 'producerPaused', peerId: 'ada', producerId: 'mic', paused: false });
    expect(isProducerPaused(resumed, 'ada', 'mic')).toBe(false);
    const closed = reduceRoster(resumed, { type: 'producerClosed', peerId: 'ada', producerId: 'mic' });
    expect(hasProducer(closed, 'ada', 'mic')).toBe(false);
    expect(hasProducer(resumed, 'ada', 'mic')).toBe(true);
    expect(reduceRoster(closed, { type: 'producerClosed', peerId: 'ada', producerId: 'mic' })).toBe(closed);
  });

  it('forgets a peer who left, and them as the active speaker', () => {
    const s = run({ type: 'peerJoined', peer: peer('ada') }, { type: 'peerJoined', peer: peer('bao') }, { type: 'activeSpeaker', peerId: 'ada' }, { type: 'peerLeft', peerId: 'ada' });
    expect([...s.peers.keys()]).toEqual(['bao']);
    expect(s.activeSpeaker).toBeNull();
    expect(reduceRoster(s, { type: 'peerLeft', peerId: 'nobody' })).toBe(s);
  });

  it('clears everyone but keeps our own id', () => {
    const s = run({ type: 'self', peerId: 'me' }, { type: 'peerJoined', peer: peer('ada') }, { type: 'lobby', lobby: [lobbyEntry('bao')] }, { type: 'clear' });
    expect(s).toEqual({ ...EMPTY_ROSTER, self: 'me' });
  });
});

describe('lobbyChanges', () => {
  it('tells who arrived and who left', () => {
    const { arrived, departed } = lobbyChanges([lobbyEntry('a'), lobbyEntry('b')], [lobbyEntry('b'), lobbyEntry('c')]);
    expect(arrived.map((e) => e.peerId)).toEqual(['c']);
    expect(departed).toEqual(['a']);
  });
});
