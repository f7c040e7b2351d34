/** Test-only: ffmpeg-generated RTP producers in an SFU room, and frame/colour helpers. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { SfuNode } from '@lectern/sfu';

const IP = '127.0.0.1';

export interface RtpProducer {
  producerId: string;
  /** Resolves once the SFU has received a few packets of it. */
  flowing(): Promise<void>;
  stop(): Promise<void>;
}

let nextSsrc = 20_000_000;

/**
 * Publishes one lavfi source as a producer of `peerId`: a comedia plain transport fed by ffmpeg.
 * `lavfi` is e.g. 'testsrc=size=640x480:rate=15' or 'sine=frequency=440'; or, with `file`,
 * an already encoded file (VP8 or Opus) sent in a loop without re-encoding, which a busy
 * machine cannot slow down.
 */
export async function ffmpegProducer(
  node: SfuNode,
  roomId: string,
  peerId: string,
  source: 'mic' | 'webcam' | 'screen',
  lavfi: string,
  file?: string,
): Promise<RtpProducer> {
  const kind = source === 'mic' ? 'audio' : 'video';
  const ssrc = (nextSsrc += 7);
  const t = await node.createPlainTransport({ roomId, peerId, direction: 'send', comedia: true });
  const payloadType = kind === 'audio' ? 100 : 101;
  const rtpParameters =
    kind === 'audio'
      ? { codecs: [{ mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] }
      : {
          codecs: [{ mimeType: 'video/VP8', payloadType, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
          encodings: [{ ssrc }],
        };
  const { id } = await node.produce({ roomId, peerId, transportId: t.id, kind, rtpParameters, appData: { source } });
  const url = `rtp://${IP}:${t.port}?rtcpport=${t.rtcpPort}&pkt_size=1200`;
  // prettier-ignore
  const codec = kind === 'audio'
    ? ['-vn', '-c:a', 'libopus', '-b:a', '48k', '-ar', '48000', '-ac', '2']
    : ['-an', '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-g', '5', '-keyint_min', '5'];
  const input = file ? ['-stream_loop', '-1', '-i', file] : ['-f', 'lavfi', '-i', lavfi];
  const child: ChildProcess = spawn('/usr/bin/ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', ...input,
    ...(file ? [kind === 'audio' ? '-vn' : '-an', '-c', 'copy'] : codec), '-f', 'rtp', '-payload_type', String(payloadType), '-ssrc', String(ssrc), url,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(`[ffmpeg ${peerId}/${source}] ${c.toString()}`));
  return {
    producerId: id,
    async flowing() {
      for (let i = 0; i < 300; i++) {
        const stats = await node.getProducerStats({ roomId, peerId, producerId: id });
        if (stats.streams.some((st) => st.packetCount > 10)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`producer ${peerId}/${source} never started`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }
      await node.closeTransport({ roomId, peerId, transportId: t.id }).catch(() => undefined);
    },
  };
}

/** A frame of `file` at `seconds`, scaled to w x h, as raw RGB24. */
export async function frameAt(file: string, seconds: number, w = 64, h = 36): Promise<Buffer> {
  return rawRgb(['-ss', seconds.toFixed(2), '-i', file], w, h);
}

/** The first frame of a lavfi source, scaled to w x h, as raw RGB24. */
export async function lavfiFrame(lavfi: string, w = 64, h = 36): Promise<Buffer> {
  return rawRgb(['-f', 'lavfi', '-i', lavfi], w, h);
}

function rawRgb(input: string[], w: number, h: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', ...input, '-frames:v', '1', '-vf', `scale=${w}:${h}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg frame extraction failed (${code})`))));
  });
}

/** Mean absolute difference per channel value (0..255) between two equally sized RGB frames. */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) throw new Error('frames differ in size');
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}
