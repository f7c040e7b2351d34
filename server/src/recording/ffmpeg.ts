// Child-process helpers for ffmpeg/ffprobe: start and stop gracefully, probe a file, find
// free local UDP port pairs for ffmpeg's RTP inputs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';

/** Ports ffmpeg binds for RTP (even) and RTCP (even + 1). */
const PORT_MIN = 47800;
const PORT_MAX = 47999;
const reserved = new Set<number>();
let nextPort = PORT_MIN;

async function canBind(ip: string, port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, ip, () => socket.close(() => resolve(true)));
  });
}

/** Reserves a free even/odd UDP port pair for an ffmpeg RTP input; release() when done. */
export async function reservePortPair(ip: string): Promise<{ port: number; release: () => void }> {
  const span = (PORT_MAX - PORT_MIN + 1) / 2;
  for (let tries = 0; tries < span; tries++) {
    const port = nextPort;
    nextPort = nextPort + 2 > PORT_MAX - 1 ? PORT_MIN : nextPort + 2;
    if (reserved.has(port)) continue;
    reserved.add(port);
    if ((await canBind(ip, port)) && (await canBind(ip, port + 1))) {
      return { port, release: () => reserved.delete(port) };
    }
    reserved.delete(port);
  }
  throw new Error(`No free UDP port pair in ${PORT_MIN}-${PORT_MAX} for the recorder`);
}

/** True once some process has bound the port (ffmpeg is listening). */
export async function isBound(ip: string, port: number): Promise<boolean> {
  return !(await canBind(ip, port));
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A running child process with its exit promise and the tail of its stderr. */
export interface Running {
  child: ChildProcess;
  exited: Promise<Exit>;
}

export function run(bin: string, args: string[], onStdout?: (line: string) => void): Running {
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (!onStdout) return;
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onStdout(line);
  });
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (err) => resolve({ code: -1, signal: null, stderr: `${stderr}\n${err.message}` }));
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

/**
 * Waits for ffmpeg to finish after its input was ended (RTCP BYE, end of file); if it has
 * not, one SIGINT after `signalAfterMs` (it then stops at the next packet and writes the
 * trailer), and SIGKILL after `graceMs`. Never two SIGINTs: the second one aborts output
 * writes too ("Immediate exit requested") and leaves an empty file.
 */
export async function stopGracefully(r: Running, opts: { signalAfterMs?: number; graceMs?: number } = {}): Promise<Exit> {
  const alive = () => r.child.exitCode === null && r.child.signalCode === null;
  const signal = setTimeout(() => alive() && r.child.kill('SIGINT'), opts.signalAfterMs ?? 0);
  const kill = setTimeout(() => alive() && r.child.kill('SIGKILL'), opts.graceMs ?? 8000);
  try {
    return await r.exited;
  } finally {
    clearTimeout(signal);
    clearTimeout(kill);
  }
}

export interface ProbeResult {
  durationSeconds: number;
  streams: { codecType: string; codecName: string; width?: number; height?: number }[];
}

/** Runs ffprobe; throws when the file is not a readable media file. */
export async function probe(ffprobePath: string, file: string): Promise<ProbeResult> {
  let out = '';
  const r = run(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], (line) => {
    out += `${line}\n`;
  });
  const exit = await r.exited;
  if (exit.code !== 0) throw new Error(`ffprobe failed: ${exit.stderr.trim().split('\n').at(-1) ?? 'unknown error'}`);
  const json = JSON.parse(out) as {
    format?: { duration?: string };
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
  };
  const durationSeconds = Number(json.format?.duration);
  if (!Number.isFinite(durationSeconds)) throw new Error('ffprobe: the file has no duration');
  return {
    durationSeconds,
    streams: (json.streams ?? []).map((s) => ({
      codecType: s.codec_type ?? 'unknown',
      codecName: s.codec_name ?? 'unknown',
      ...(s.width === undefined ? {} : { width: s.width }),
      ...(s.height === undefined ? {} : { height: s.height }),
    })),
  };
}

/** A short human message for an ffmpeg failure (disk full is called out). */
export function describeFailure(exit: Exit): string {
  if (/No space left on device|ENOSPC/i.test(exit.stderr)) return 'Disk full: no space left on the recordings volume';
  const last = exit.stderr.trim().split('\n').filter(Boolean).at(-1);
  return `ffmpeg failed (${exit.code ?? exit.signal ?? 'unknown'})${last ? `: ${last.slice(0, 300)}` : ''}`;
}
