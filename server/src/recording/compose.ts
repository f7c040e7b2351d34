// Post-processing: composes a recording's per-track files into one playable MP4 (H.264 +
// AAC). Audio: every track placed at its start offset and mixed. Video: a grid of the
// cameras (each holds its last frame once it stalls or ends), covered by the screen share
// while one runs. The output is written to a temporary name, checked with ffprobe, and only
// then renamed to its final name.
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFailure, probe, run, type ProbeResult } from './ffmpeg.js';
import type { TrackResult } from './TrackWriter.js';

export const OUTPUT_WIDTH = 1280;
export const OUTPUT_HEIGHT = 720;
const FPS = 25;
const BACKGROUND = '0x1b1f24';

export interface ComposeInput {
  dir: string;
  tracks: TrackResult[];
  /** Length of the recording (wall clock, start to stop). */
  durationSeconds: number;
  ffmpegPath: string;
  ffprobePath: string;
  /** Final file name inside `dir`. */
  outputName: string;
  onProgress?: (fraction: number) => void;
}

export interface ComposeResult {
  file: string;
  sizeBytes: number;
  probe: ProbeResult;
}

export class ComposeError extends Error {}

interface Placed {
  track: TrackResult;
  input: number;
  offset: number;
}

/** Grid cells for n cameras: 1 -> full frame, 2 -> side by side, up to 4 -> 2x2, 9 -> 3x3, ... */
export function gridCells(n: number): { x: number; y: number; w: number; h: number }[] {
  if (n <= 0) return [];
  const cols = n === 2 ? 2 : Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const w = Math.floor(OUTPUT_WIDTH / cols / 2) * 2;
  const h = Math.floor(OUTPUT_HEIGHT / rows / 2) * 2;
  const top = Math.floor((OUTPUT_HEIGHT - rows * h) / 2);
  return Array.from({ length: n }, (_, i) => ({ x: (i % cols) * w, y: top + Math.floor(i / cols) * h, w, h }));
}

/** Builds the ffmpeg arguments (exported for tests). */
export function composeArgs(c: ComposeInput, tmpFile: string): string[] {
  const usable = c.tracks.filter((t) => t.startMs !== null && t.packets > 0);
  const args: string[] = ['-hide_banner', '-loglevel', 'error', '-nostats', '-y', '-progress', 'pipe:1'];
  const placed: Placed[] = [];
  for (const track of usable) {
    const offset = Math.max(0, (track.startMs ?? 0) / 1000);
    if (track.kind === 'video') args.push('-reinit_filter', '0');
    args.push('-itsoffset', offset.toFixed(3), '-i', join(c.dir, track.file));
    placed.push({ track, input: placed.length, offset });
  }
  const d = c.durationSeconds.toFixed(3);
  const filters: string[] = [];

  // Audio: silence for the whole length, plus every track at its offset (gaps filled).
  const audio = placed.filter((p) => p.track.kind === 'audio');
  filters.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${d}[asil]`);
  const mixIn = ['[asil]'];
  for (const p of audio) {
    filters.push(`[${p.input}:a]aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:channel_layouts=stereo[a${p.input}]`);
    mixIn.push(`[a${p.input}]`);
  }
  filters.push(`${mixIn.join('')}amix=inputs=${mixIn.length}:duration=first:dropout_transition=0:normalize=0[aout]`);

  // Video: background, camera grid by participant, screen shares on top.
  filters.push(`color=c=${BACKGROUND}:s=${OUTPUT_WIDTH}x${OUTPUT_HEIGHT}:r=${FPS}:d=${d},format=yuv420p[v0]`);
  let last = 'v0';
  let n = 0;
  // A camera that stalls or ends holds its last frame (its participant stays in the picture);
  // a screen share that ends uncovers the grid.
  const overlay = (input: number, w: number, h: number, x: number, y: number, hold: boolean) => {
    const fit = `scale=w=${w}:h=${h}:force_original_aspect_ratio=decrease:force_divisible_by=2:eval=frame,setsar=1,format=yuv420p`;
    filters.push(`[${input}:v]${fit}[s${input}]`);
    n += 1;
    const out = `v${n}`;
    const end = hold ? 'eof_action=repeat:repeatlast=1' : 'eof_action=pass:repeatlast=0';
    filters.push(`[${last}][s${input}]overlay=x='${x}+(${w}-overlay_w)/2':y='${y}+(${h}-overlay_h)/2':eval=frame:${end}[${out}]`);
    last = out;
  };
  const cameras = placed.filter((p) => p.track.kind === 'video' && p.track.source === 'webcam');
  const peers = [...new Set(cameras.map((p) => p.track.peerId))];
  const cells = gridCells(peers.length);
  for (const p of cameras) {
    const cell = cells[peers.indexOf(p.track.peerId)];
    if (cell) overlay(p.input, cell.w, cell.h, cell.x, cell.y, true);
  }
  for (const p of placed.filter((q) => q.track.kind === 'video' && q.track.source === 'screen')) {
    overlay(p.input, OUTPUT_WIDTH, OUTPUT_HEIGHT, 0, 0, false);
  }
  filters.push(`[${last}]null[vout]`);

  args.push('-filter_complex', filters.join(';'), '-map', '[vout]', '-map', '[aout]');
  // prettier-ignore
  args.push(
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-r', String(FPS),
    '-c:a', 'aac', '-b:a', '128k', '-ar', '48000',
    '-t', d, '-movflags', '+faststart', '-threads', '2', '-f', 'mp4', tmpFile,
  );
  return args;
}

/** Composes, validates and renames; throws ComposeError with a user-facing message. */
export async function compose(c: ComposeInput): Promise<ComposeResult> {
  const tmpName = `.${c.outputName}.part`;
  const tmpFile = join(c.dir, tmpName);
  const finalFile = join(c.dir, c.outputName);
  const totalUs = c.durationSeconds * 1_000_000;
  const r = run(c.ffmpegPath, composeArgs(c, tmpFile), (line) => {
    const m = /^out_time_us=(\d+)/.exec(line);
    if (m && totalUs > 0) c.onProgress?.(Math.min(1, Number(m[1]) / totalUs));
  });
  const exit = await r.exited;
  try {
    if (exit.code !== 0) throw new ComposeError(describeFailure(exit));
    let result: ProbeResult;
    try {
      result = await probe(c.ffprobePath, tmpFile);
    } catch (err) {
      throw new ComposeError(`The composed file is not valid: ${(err as Error).message}`);
    }
    const kinds = new Set(result.streams.map((s) => s.codecType));
    if (!kinds.has('audio') || !kinds.has('video')) throw new ComposeError('The composed file lacks an audio or a video stream');
    if (Math.abs(result.durationSeconds - c.durationSeconds) > 1.5) {
      throw new ComposeError(`The composed file lasts ${result.durationSeconds.toFixed(1)} s, expected ${c.durationSeconds.toFixed(1)} s`);
    }
    await rename(tmpFile, finalFile);
    const { size } = await stat(finalFile);
    return { file: c.outputName, sizeBytes: size, probe: result };
  } catch (err) {
    await rm(tmpFile, { force: true });
    if (err instanceof ComposeError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new ComposeError(e.code === 'ENOSPC' ? 'Disk full: no space left on the recordings volume' : `Composing failed: ${e.message}`);
  }
}
