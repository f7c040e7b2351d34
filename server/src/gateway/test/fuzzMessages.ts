// Test-only: signaling messages for the gateway fuzzer, derived from the protocol's request
// schemas: a valid payload for each request, then mutated (a key dropped or added, a value
// replaced by a hostile one, the whole payload swapped), under a valid, unknown or odd
// event name, with a function ack, none, or a non-function in its place.
import { requestSchemas } from '../../protocol/schemas.js';
import type { RequestName } from '../../protocol/index.js';
import { hostile, mutateObject, type Prng } from '../../test/fuzz.js';

export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];

/** Ids the fuzzer aims at: real ones of the legitimate peers, made-up ones, garbage. */
export interface IdPool {
  transports: string[];
  producers: string[];
  consumers: string[];
  peers: string[];
  rtpCapabilities: unknown;
}

export const opusRtpParameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
});

function id(r: Prng, pool: string[]): string {
  return r.chance(0.7) && pool.length > 0 ? r.pick(pool) : r.pick(['nope', crypto.randomUUID(), 'x'.repeat(64), ' ']);
}

/** A payload that passes the request's schema. */
export function validPayload(r: Prng, name: RequestName, p: IdPool): Record<string, unknown> {
  switch (name) {
    case 'join':
      return { rtpCapabilities: p.rtpCapabilities };
    case 'createTransport':
      return { direction: r.pick(['send', 'recv']) };
    case 'connectTransport':
      return { transportId: id(r, p.transports), dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:'.repeat(31) + 'AB' }] } };
    case 'restartIce':
      return { transportId: id(r, p.transports) };
    case 'produce': {
      const kind = r.pick(['audio', 'video'] as const);
      return { transportId: id(r, p.transports), kind, rtpParameters: opusRtpParameters(1 + r.int(1e6)), source: kind === 'audio' ? 'mic' : r.pick(['webcam', 'screen']) };
    }
    case 'closeProducer':
    case 'pauseProducer':
    case 'resumeProducer':
      return { producerId: id(r, p.producers) };
    case 'consume':
      return { transportId: id(r, p.transports), producerId: id(r, p.producers) };
    case 'pauseConsumer':
    case 'resumeConsumer':
      return { consumerId: id(r, p.consumers) };
    case 'setPreferredLayers':
      return { consumerId: id(r, p.consumers), spatialLayer: r.int(3), temporalLayer: r.int(3) };
    case 'admit':
    case 'deny':
    case 'removePeer':
    case 'promote':
    case 'demote':
      return { peerId: id(r, p.peers) };
    case 'roster':
      return { offset: r.int(200), limit: 1 + r.int(100) };
    case 'mutePeer':
      return { peerId: id(r, p.peers), source: r.pick(['mic', 'webcam', 'all']) };
    case 'lockRoom':
      return { locked: r.chance(0.5) };
    case 'reportQuality':
      return { level: r.pick(['good', 'fair', 'poor']) };
    case 'getRouterRtpCapabilities':
    case 'leave':
    case 'startRecording':
    case 'stopRecording':
    case 'endSession':
      return {};
  }
}

const ODD_NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'becomeAdmin', '', 'JOIN', 'join ', 'ping', 'error', 'x'.repeat(10_000)];

export interface FuzzMessage {
  name: string | number;
  args: unknown[];
  /** How the ack is given: a function last, none, a non-function in its place, a function after an extra argument, a function only. */
  ack: 'function' | 'none' | 'nonFunction' | 'afterExtra' | 'only';
}

export function fuzzMessage(r: Prng, p: IdPool): FuzzMessage {
  const roll = r.next();
  const name: string | number = roll < 0.8 ? r.pick(REQUEST_NAMES) : roll < 0.95 ? r.pick(ODD_NAMES) : r.int(1000);
  const base = typeof name === 'string' && (REQUEST_NAMES as string[]).includes(name) ? validPayload(r, name as RequestName, p) : {};
  const shape = r.next();
  const payload = shape < 0.1 ? base : shape < 0.75 ? mutateObject(r, base) : shape < 0.9 ? hostile(r) : [base];
  const a = r.next();
  const ack: FuzzMessage['ack'] = a < 0.6 ? 'function' : a < 0.75 ? 'none' : a < 0.85 ? 'nonFunction' : a < 0.95 ? 'afterExtra' : 'only';
  const args = ack === 'only' ? [] : ack === 'nonFunction' ? [payload, hostile(r, 100)] : ack === 'afterExtra' ? [payload, r.int(100)] : [payload];
  return { name, args, ack };
}
