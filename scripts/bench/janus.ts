// The peer SFU for the sfu bench: Debian's Janus (VideoRoom plugin) forwarding one VP8 publisher to
// N rtp_forward targets, plain RTP or SRTP (AES_CM_128_HMAC_SHA1_80), the closest Janus
// equivalent of sfu.ts's PlainTransport consumers. Janus runs as a child process with a private
// config folder (VideoRoom + HTTP transport on 127.0.0.1 only); a werift publisher in this process
// sends RTP packets of PACKET_BYTES at pps; the targets are one UDP socket here. Janus's CPU is
// user + system of its process (/proc/<pid>/stat), read before the first packet and after the last
// was drained, divided by the packets the socket received; forwarded % and loss compare those with
// N x the packets the publisher sent (Janus's own input counters are on its admin API, left off).
// Janus (libnice) gathers no ICE candidates on loopback, so a case runs inside
// scripts/netns-run.sh's private network namespace (ICE on its veth address only; nothing leaves it).
// Usage (one case, one JSON line): scripts/netns-run.sh npx tsx scripts/bench/janus.ts consumers suite seconds pps
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { rtpPacket } from './sfuRtp.js'; // werift rewrites its SSRC, payload type and sequence

export type JanusSuite = 'none' | 'AES_CM_128_HMAC_SHA1_80';
export interface JanusCase {
  consumers: number;
  seconds: number;
  pps: number;
  suite: JanusSuite;
}

const ROOM = 1234;

/** The installed Janus version ("1.1.2"), or null when the binary is missing. */
export function janusVersion(): string | null {
  try {
    return /Janus version: \d+ \(([^)]+)\)/.exec(execFileSync('janus', ['--help'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A config folder with only the VideoRoom plugin and the HTTP transport (symlinked from the package's folders). */
function writeConfig(dir: string, httpPort: number): void {
  const system = readFileSync('/etc/janus/janus.jcfg', 'utf8');
  const folder = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]+)"`, 'm').exec(system)?.[1];
  const plugins = folder('plugins_folder');
  const transports = folder('transports_folder');
  if (!plugins || !transports) throw new Error('janus: plugins_folder/transports_folder not found in /etc/janus/janus.jcfg');
  for (const [sub, from, lib] of [
    ['plugins', plugins, 'libjanus_videoroom.so'],
    ['transports', transports, 'libjanus_http.so'],
  ] as const) {
    mkdirSync(join(dir, sub));
    symlinkSync(join(from, lib), join(dir, sub, lib));
  }
  mkdirSync(join(dir, 'none'));
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${join(dir, 'plugins')}"
  transports_folder = "${join(dir, 'transports')}"
  events_folder = "${join(dir, 'none')}"
  loggers_folder = "${join(dir, 'none')}"
  debug_level = 2
  session_timeout = 0
}
nat: {
  nice_debug = false
  ice_enforce_list = "lectern0"  # netns-run.sh's veth
}
events: {
  broadcast = false
}
`,
  );
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
  writeFileSync(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {\n  json = "plain"\n  base_path = "/janus"\n  http = true\n  port = ${httpPort}\n  ip = "127.0.0.1"\n  https = false\n}\nadmin: {\n  admin_http = false\n}\n`,
  );
}

type Reply = { janus: string; data?: { id: number }; plugindata?: { data: Record<string, unknown> }; jsep?: { type: string; sdp: string }; error?: unknown };

/** A Janus API session over HTTP: requests, plugin messages and the long-poll event queue. */
class JanusApi {
  private session = 0;
  private handle = 0;
  constructor(private readonly base: string) {}

  async post(path: string, body: Record<string, unknown>): Promise<Reply> {
    const res = await fetch(this.base + path, { method: 'POST', body: JSON.stringify({ ...body, transaction: randomBytes(6).toString('hex') }) });
    const reply = (await res.json()) as Reply;
    if (reply.janus === 'error' || reply.plugindata?.data.error) throw new Error(`janus: ${JSON.stringify(reply)}`);
    return reply;
  }

  async attach(): Promise<void> {
    this.session = (await this.post('', { janus: 'create' })).data!.id;
    this.handle = (await this.post(`/${this.session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data!.id;
  }

  /** A VideoRoom request; synchronous ones answer at once, others ack and answer through an event. */
  message(body: Record<string, unknown>, jsep?: { type: string; sdp: string }): Promise<Reply> {
    return this.post(`/${this.session}/${this.handle}`, { janus: 'message', body, ...(jsep ? { jsep } : {}) });
  }

  /** Long-polls until an event for which `match` holds (others are dropped: the bench waits for one thing at a time). */
  async event(match: (e: Reply) => boolean, timeoutMs = 10_000): Promise<Reply> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const events = (await (await fetch(`${this.base}/${this.session}?maxev=10`)).json()) as Reply | Reply[];
      const found = (Array.isArray(events) ? events : [events]).find(match);
      if (found) return found;
    }
    throw new Error('janus: timed out waiting for an event');
  }
}

async function startJanus(): Promise<{ proc: ChildProcess; api: JanusApi; dir: string; output: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-janus-'));
  const port = await freePort();
  writeConfig(dir, port);
  const proc = spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (b: Buffer) => void (log = (log + b.toString()).slice(-4000));
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const api = new JanusApi(`http://127.0.0.1:${port}/janus`);
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`janus exited (${proc.exitCode}): ${log}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/janus/info`)).ok) break;
    } catch {
      if (i > 100) throw new Error(`janus did not answer on ${port}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, api, dir, output: () => log };
}

/** Janus's CPU so far (user + system, all threads) in µs. */
function cpuUs(pid: number, usPerTick: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * usPerTick; // utime, stime: fields 14 and 15
}

/** Whether an SRTP packet's 10-byte HMAC-SHA1 tag checks with the master key + salt (RFC 3711 §4.3, kdr 0). */
export function srtpTagOk(packet: Buffer, master: Buffer): boolean {
  const iv = Buffer.concat([master.subarray(16, 30), Buffer.alloc(2)]);
  iv[7]! ^= 0x01; // label 1: the authentication key
  const authKey = createCipheriv('aes-128-ctr', master.subarray(0, 16), iv).update(Buffer.alloc(20));
  const body = packet.subarray(0, packet.length - 10);
  const tag = packet.subarray(packet.length - 10);
  return [0, 1].some((roc) => {
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc);
    return createHmac('sha1', authKey).update(body).update(rocBytes).digest().subarray(0, 10).equals(tag);
  });
}

/** The werift publisher: offers one sendonly VP8 stream, publishes it into the room, and waits until media flows. */
async function publish(api: JanusApi): Promise<{ pc: RTCPeerConnection; send: (packet: Buffer) => void; publisherId: number; mid: string }> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [], video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96 })] },
    headerExtensions: { audio: [], video: [] },
    iceUseIpv6: false,
  });
  const transceiver = pc.addTransceiver('video', { direction: 'sendonly' });
  const joined = await api.message({ request: 'join', ptype: 'publisher', room: ROOM, display: 'bench' }).then(() => api.event((e) => e.plugindata?.data.videoroom === 'joined'));
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((s) => s === 'complete');
  await api.message({ request: 'publish', video: true, audio: false }, { type: 'offer', sdp: pc.localDescription!.sdp });
  const answer = await api.event((e) => e.jsep?.type === 'answer');
  await pc.setRemoteDescription(answer.jsep as { type: 'answer'; sdp: string });
  if (pc.connectionState !== 'connected') await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
  return {
    pc,
    send: (packet) => void transceiver.sender.sendRtp(packet),
    publisherId: joined.plugindata!.data.id as number,
    mid: transceiver.mid!,
  };
}

export interface JanusFigures {
  cpuUsPerPacket: number | null;
  offeredPps: number;
  forwardedPps: number;
  forwardedPct: number | null;
  receiverLossPct: number | null;
  janusCpuPct: number;
  sinkPacketBytes: number | null;
  srtpTagsVerified?: string;
}

/** One case: N rtp_forward targets of one publisher for `seconds` at `pps`. */
export async function runJanusCase({ consumers, seconds, pps, suite }: JanusCase): Promise<JanusFigures> {
  const usPerTick = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const { proc, api, dir, output } = await startJanus();
  const sink = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  let pc: RTCPeerConnection | undefined;
  try {
    let received = 0;
    let bytes: number | null = null;
    const samples: Buffer[] = [];
    sink.on('message', (m) => {
      received += 1;
      bytes = m.length;
      if (samples.length < 5) samples.push(m);
    });
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    await api.attach();
    await api.message({ request: 'create', room: ROOM, publishers: 1, videocodec: 'vp8', bitrate: 0 });
    const publisher = await publish(api);
    pc = publisher.pc;
    const master = randomBytes(30);
    for (let i = 0; i < consumers; i++) {
      await api.message({
        request: 'rtp_forward',
        room: ROOM,
        publisher_id: publisher.publisherId,
        host: '127.0.0.1',
        host_family: 'ipv4',
        streams: [{ mid: publisher.mid, port: sink.address().port }],
        ...(suite === 'none' ? {} : { srtp_suite: 80, srtp_crypto: master.toString('base64') }),
      });
    }

    // As in sfu.ts: counters before the first packet and after the last was forwarded.
    await new Promise((r) => setTimeout(r, 300));
    received = 0;
    samples.length = 0;
    const c0 = cpuUs(proc.pid!, usPerTick);
    const t0 = performance.now();
    let seq = 0;
    const stopAt = t0 + seconds * 1000;
    while (performance.now() < stopAt) {
      const due = Math.floor(((performance.now() - t0) / 1000) * pps);
      for (; seq < due; seq++) publisher.send(rtpPacket(seq, seq * (90000 / pps)));
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 500)); // the last packets drain
    const [c1, t1, r1] = [cpuUs(proc.pid!, usPerTick), performance.now(), received];
    const offered = seq * consumers;
    const verified = samples.filter((p) => srtpTagOk(p, master)).length;
    if (received === 0 && proc.exitCode !== null) throw new Error(`janus exited: ${output()}`);
    return {
      cpuUsPerPacket: r1 > 0 ? +((c1 - c0) / r1).toFixed(2) : null,
      offeredPps: Math.round(offered / seconds),
      forwardedPps: Math.round(r1 / seconds),
      forwardedPct: offered > 0 ? +((r1 / offered) * 100).toFixed(2) : null,
      receiverLossPct: offered > 0 ? +Math.max(0, (1 - r1 / offered) * 100).toFixed(2) : null,
      janusCpuPct: +(((c1 - c0) / 1000 / (t1 - t0)) * 100).toFixed(1),
      sinkPacketBytes: bytes,
      ...(suite === 'none' ? {} : { srtpTagsVerified: `${verified}/${samples.length}` }),
    };
  } finally {
    await pc?.close();
    sink.close();
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

/** One case in a private network namespace (a child process), as `runJanusCase` figures. */
export function runJanusCaseIsolated({ consumers, seconds, pps, suite }: JanusCase): JanusFigures {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const args = ['npx', 'tsx', fileURLToPath(import.meta.url), String(consumers), suite, String(seconds), String(pps)];
  const out = execFileSync(join(root, 'scripts/netns-run.sh'), args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as JanusFigures;
}

/** sfu.ts's comparison: the Janus AES_CM case for each N, next to the worker's figure for the same N from the same run. */
export function printJanusComparison(lecternAesCm: Map<number, number | null>, seconds: number, pps: number): void {
  const version = janusVersion();
  if (!version) {
    console.log(JSON.stringify({ bench: 'sfu', peer: 'janus', skipped: 'janus not installed: scripts/system-deps.sh bench' }));
    return;
  }
  for (const [n, lectern] of lecternAesCm) {
    const janus = runJanusCaseIsolated({ consumers: n, seconds, pps, suite: 'AES_CM_128_HMAC_SHA1_80' });
    const ratio = lectern != null && janus.cpuUsPerPacket ? +(lectern / janus.cpuUsPerPacket).toFixed(2) : null;
    console.log(JSON.stringify({ bench: 'sfu', peer: 'janus', consumers: n, srtp: 'AES_CM_128_HMAC_SHA1_80', ...janus, janus: version, lecternUsPerPacket: lectern, ratio }));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [consumers, suite, seconds, pps] = process.argv.slice(2);
  runJanusCase({ consumers: Number(consumers ?? 50), suite: (suite ?? 'AES_CM_128_HMAC_SHA1_80') as JanusSuite, seconds: Number(seconds ?? 10), pps: Number(pps ?? 100) }).then(
    (figures) => {
      console.log(JSON.stringify(figures));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
