// SFU fan-out cost: one VP8 producer fed over a PlainTransport at R packets/s of 1,100 bytes,
// forwarded by one real mediasoup worker (the project's build) to N consumers on PlainTransports,
// with plain RTP or SRTP (AES_CM_128_HMAC_SHA1_80, AEAD_AES_256_GCM). For each case it
// prints one JSON line: the worker's CPU (getResourceUsage, user + system) per forwarded
// packet in µs, offered and forwarded packets/s (the consumers' own counters; forwarded below
// offered means the worker could not keep up), the loss seen by the
// receiving socket in this process, and which worker build ran. With AES_CM_128_HMAC_SHA1_80 among
// the suites it then runs Janus on the same cases (janus.ts) and prints one comparison line per N.
// Usage: npx tsx scripts/bench/sfu.ts [consumers=50,200,800] [suites=none,AES_CM_128_HMAC_SHA1_80,AEAD_AES_256_GCM] [seconds=10] [pps=100]
// Then the same over WebRTC to real subscribers (sfuWebrtc.ts) for SFU_WEBRTC_COUNTS (default 10,50; empty skips).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { printJanusComparison } from './janus.js';
import { PACKET_BYTES, createFeed, feed, workerCpuMs } from './sfuRtp.js';
import { runWebRtcCase } from './sfuWebrtc.js';

const COUNTS = (process.argv[2] ?? '50,200,800').split(',').map(Number);
const SUITES = (process.argv[3] ?? 'none,AES_CM_128_HMAC_SHA1_80,AEAD_AES_256_GCM').split(',') as Suite[];
const SECONDS = Number(process.argv[4] ?? 10);
const PPS = Number(process.argv[5] ?? 100);
// SFU_CONSUMER_EXTENSIONS=none: consumers without RTP header extensions, as Lectern's recorder
// makes them. A plain-RTP receiver never sends transport-cc feedback, so with the router's full
// capabilities (the default, comparable with earlier figures) each consumer's bandwidth
// estimator keeps a 60 s history that no feedback ever trims.
const NO_EXTENSIONS = process.env.SFU_CONSUMER_EXTENSIONS === 'none';
const consumerCaps = (router: types.Router): types.RtpCapabilities =>
  NO_EXTENSIONS ? { codecs: router.rtpCapabilities.codecs ?? [], headerExtensions: [] } : router.rtpCapabilities;

type Suite = 'none' | types.SrtpCryptoSuite;
const KEY_BYTES: Record<types.SrtpCryptoSuite, number> = { AES_CM_128_HMAC_SHA1_80: 30, AES_CM_128_HMAC_SHA1_32: 30, AEAD_AES_128_GCM: 28, AEAD_AES_256_GCM: 44 };

/** Which worker binary runs, and the SRTP and io_uring libraries it links. */
function workerBuild(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const pkg = join(dirname(require.resolve('mediasoup')), '../..'); // node/lib/index.js
  const bin = process.env.MEDIASOUP_WORKER_BIN || join(pkg, 'worker/out/Release/mediasoup-worker');
  const linked = (() => {
    try {
      return execFileSync('ldd', [bin], { encoding: 'utf8' });
    } catch {
      return '';
    }
  })();
  const lib = (name: string) => /\s(\S*lib(?:srtp2|uring)\S*) => (\S+)/.exec(linked.split('\n').find((l) => l.includes(name)) ?? '')?.[2] ?? 'static or none';
  // scripts/worker notes beside the binary what went into it (static libraries do not show in ldd).
  const info = existsSync(`${bin}.info`) ? readFileSync(`${bin}.info`, 'utf8').trim() : 'no build note';
  return {
    mediasoup: (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version,
    sha256: createHash('sha256').update(readFileSync(bin)).digest('hex').slice(0, 12),
    libsrtp2: lib('libsrtp2'),
    liburing: lib('liburing'),
    recipe: info,
  };
}

/** Prints the case's line and returns its worker µs per forwarded packet. */
async function runCase(worker: types.Worker, n: number, suite: Suite, build: Record<string, string>): Promise<number | null> {
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
  const sink: Socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  const source: Socket = createSocket('udp4');
  let received = 0;
  sink.on('message', () => void (received += 1));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const sinkPort = sink.address().port;
  try {
    const { port, producer } = await createFeed(router);
    const consumers: types.Consumer[] = [];
    for (let i = 0; i < n; i++) {
      const t = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
        ...(suite === 'none' ? {} : { enableSrtp: true, srtpCryptoSuite: suite }),
      });
      await t.connect({
        ip: '127.0.0.1',
        port: sinkPort,
        ...(suite === 'none' ? {} : { srtpParameters: { cryptoSuite: suite, keyBase64: randomBytes(KEY_BYTES[suite]).toString('base64') } }),
      });
      consumers.push(await t.consume({ producerId: producer.id, rtpCapabilities: consumerCaps(router) }));
    }
    // All consumers' counters at once: one by one, 800 round trips to the worker would eat the window.
    const forwarded = async () => {
      const all = await Promise.all(consumers.map((c) => c.getStats()));
      return all.flat().reduce((sum, s) => sum + (s.type === 'outbound-rtp' ? s.packetCount : 0), 0);
    };

    // The counters and CPU are read before the first packet and after the last was forwarded, so a
    // worker that cannot keep up shows it (forwarded below offered) instead of hiding its backlog.
    const f0 = await forwarded();
    const c0 = await workerCpuMs(worker);
    const t0 = performance.now();
    const sent = await feed(source, port, SECONDS, PPS);
    await new Promise((r) => setTimeout(r, 500)); // the last packets drain
    const f1 = await forwarded();
    const [c1, t1, r1] = [await workerCpuMs(worker), performance.now(), received];
    const offered = sent * n;
    const fwd = f1 - f0;
    const usPerPacket = fwd > 0 ? +(((c1 - c0) * 1000) / fwd).toFixed(2) : null;
    console.log(
      JSON.stringify({
        bench: 'sfu',
        transport: 'plain',
        ...(NO_EXTENSIONS ? { headerExtensions: 'none' } : {}),
        consumers: n,
        srtp: suite,
        pps: PPS,
        bytes: PACKET_BYTES,
        workerCpuUsPerPacket: usPerPacket,
        offeredPps: Math.round(offered / SECONDS),
        forwardedPps: Math.round(fwd / SECONDS),
        forwardedPct: offered > 0 ? +((fwd / offered) * 100).toFixed(2) : null,
        workerCpuPct: +(((c1 - c0) / (t1 - t0)) * 100).toFixed(1),
        receiverLossPct: offered > 0 ? +Math.max(0, (1 - r1 / offered) * 100).toFixed(2) : null,
        worker: build,
      }),
    );
    return usPerPacket;
  } finally {
    router.close();
    sink.close();
    source.close();
  }
}

async function main(): Promise<void> {
  const worker = await mediasoup.createWorker({
    logLevel: 'error',
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
    disableLiburing: process.env.LECTERN_SFU_IO_URING === 'off',
  });
  // io_uring is on when this build has it and the kernel let the worker set it up.
  const build = { ...workerBuild(), ioUring: (await worker.dump()).liburing ? 'on' : 'off' };
  const aesCm = new Map<number, number | null>(); // the worker's figure per N, for the Janus comparison
  try {
    for (const suite of SUITES) {
      for (const n of COUNTS) {
        const usPerPacket = await runCase(worker, n, suite, build);
        if (suite === 'AES_CM_128_HMAC_SHA1_80') aesCm.set(n, usPerPacket);
      }
    }
    // Then N werift subscribers over WebRtcTransports (sfuWebrtc.ts); SFU_WEBRTC_COUNTS= skips them.
    const webrtc = (process.env.SFU_WEBRTC_COUNTS ?? '10,50').split(',').filter(Boolean).map(Number);
    for (const n of webrtc) await runWebRtcCase(worker, { consumers: n, seconds: SECONDS, pps: PPS, build });
  } finally {
    worker.close();
  }
  if (aesCm.size > 0) printJanusComparison(aesCm, SECONDS, PPS);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
