// A local Web Push service for tests. It checks what a real push service checks — the
// VAPID JWT (ES256 over the header and claims with the announced public key, aud = the
// endpoint's origin, exp in the future and at most 24 h away, sub a mailto:/https: URL) —
// and, playing the browser, decrypts the aes128gcm body (RFC 8291 + RFC 8188) with the
// subscription's private key. Written with node:crypto only.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Device {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  ecdh: ECDH;
  authSecret: Buffer;
  /** HTTP status this device's endpoint answers with (201 = accepted). */
  status: number;
  /** With a 3xx status: where the endpoint redirects to. */
  location?: string;
}

export interface ReceivedPush {
  device: string;
  headers: IncomingMessage['headers'];
  jwt: { header: Record<string, unknown>; claims: Record<string, unknown> };
  vapidKey: string;
  payload: Record<string, unknown>;
}

const b64u = (b: Buffer) => b.toString('base64url');

export function verifyVapid(authorization: string | undefined, origin: string, nowSeconds: number): ReceivedPush['jwt'] & { key: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m?.[1] || !m[2]) throw new Error(`bad Authorization header: ${authorization}`);
  const [h, c, s] = m[1].split('.');
  if (!h || !c || !s) throw new Error('malformed JWT');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
  if (header.alg !== 'ES256') throw new Error(`alg ${String(header.alg)}`);
  const point = Buffer.from(m[2], 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('VAPID signature does not verify');
  if (claims.aud !== origin) throw new Error(`aud ${String(claims.aud)} != ${origin}`);
  const exp = Number(claims.exp);
  if (!(exp > nowSeconds && exp <= nowSeconds + 24 * 3600)) throw new Error(`exp ${exp} out of range`);
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${String(claims.sub)}`);
  return { header, claims, key: m[2] };
}

/** RFC 8188 aes128gcm with RFC 8291 key derivation, one record. */
export function decryptPush(body: Buffer, device: Pick<Device, 'ecdh' | 'authSecret'>): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (idlen !== 65 || rs < 18 || ciphertext.length > rs) throw new Error('bad aes128gcm header');
  const shared = device.ecdh.computeSecret(asPublic);
  const uaPublic = device.ecdh.getPublicKey();
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, device.authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('missing last-record delimiter');
  return padded.subarray(0, end);
}

export class PushEndpoint {
  readonly received: ReceivedPush[] = [];
  readonly errors: string[] = [];
  /** The path of every request, answered or not. */
  readonly hits: string[] = [];
  readonly #devices = new Map<string, Device>();
  readonly #server: Server;
  #origin = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits.push(req.url ?? '');
        const device = this.#devices.get(req.url ?? '');
        if (!device) return void res.writeHead(404).end();
        try {
          if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('content-encoding must be aes128gcm');
          if (!req.headers.ttl) throw new Error('TTL header missing');
          const jwt = verifyVapid(req.headers.authorization, this.#origin, Math.floor(Date.now() / 1000));
          if (device.status >= 300) return void res.writeHead(device.status, device.location ? { location: device.location } : {}).end();
          const payload = JSON.parse(decryptPush(Buffer.concat(chunks), device).toString('utf8')) as Record<string, unknown>;
          this.received.push({ device: device.endpoint, headers: req.headers, jwt: { header: jwt.header, claims: jwt.claims }, vapidKey: jwt.key, payload });
          res.writeHead(201).end();
        } catch (err) {
          this.errors.push((err as Error).message);
          res.writeHead(400).end((err as Error).message);
        }
      });
    });
  }

  static async start(): Promise<PushEndpoint> {
    const p = new PushEndpoint();
    await new Promise<void>((resolve) => p.#server.listen(0, '127.0.0.1', resolve));
    const addr = p.#server.address();
    p.#origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return p;
  }

  /** A browser's subscription: fresh P-256 key pair and auth secret. */
  newDevice(status = 201, location?: string): Device {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const authSecret = randomBytes(16);
    const path = `/push/${randomBytes(8).toString('hex')}`;
    const device: Device = {
      endpoint: `${this.#origin}${path}`,
      keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(authSecret) },
      ecdh,
      authSecret,
      status,
      ...(location ? { location } : {}),
    };
    this.#devices.set(path, device);
    return device;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
