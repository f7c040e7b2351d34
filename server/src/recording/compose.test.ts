import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose, ComposeError, gridCells } from './compose.js';
import { frameAt } from './test/rtpSources.js';
import type { TrackResult } from './TrackWriter.js';

/** The colour of pixel `i` of an RGB24 frame: red, green, blue or the composition's background. */
function dominant(f: Buffer, i: number): string {
  const [r, g, b] = [f[i * 3] ?? 0, f[i * 3 + 1] ?? 0, f[i * 3 + 2] ?? 0];
  if (r > 150 && g < 90 && b < 90) return 'red';
  if (g > 150 && r < 90 && b < 90) return 'green';
  if (b > 150 && r < 90 && g < 90) return 'blue';
  if (Math.abs(r - 0x1b) + Math.abs(g - 0x1f) + Math.abs(b - 0x24) < 40) return 'background';
  return `rgb(${r},${g},${b})`;
}

const track = (file: string, kind: 'audio' | 'video', source: TrackResult['source'], peerId: string, startMs: number): TrackResult => ({
  file,
  kind,
  source,
  peerId,
  producerId: file,
  startMs,
  endMs: startMs + 2000,
  packets: 100,
  error: null,
});

describe('compose', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lectern-compose-'));
    const make = (args: string[], out: string) => {
      const r = spawnSync('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args, join(dir, out)]);
      if (r.status !== 0) throw new Error(r.stderr.toString());
    };
    make(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'libopus'], 'a.mkv');
    make(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=10:d=2', '-c:v', 'libvpx', '-b:v', '200k'], 'v.mkv');
    // Plain colours, for the hold-the-last-frame test: one for the whole 4 s, one that ends
    // halfway, one that stalls (no frames from 1 s to 3 s) and then ends.
    const vp8 = ['-c:v', 'libvpx', '-b:v', '200k', '-g', '5'];
    make(['-f', 'lavfi', '-i', 'color=c=red:s=320x240:r=10:d=4', ...vp8], 'red.mkv');
    make(['-f', 'lavfi', '-i', 'color=c=lime:s=320x240:r=10:d=2', ...vp8], 'green.mkv');
    make(['-f', 'lavfi', '-i', "color=c=blue:s=320x240:r=10:d=3.5,select='not(between(t,1,3))'", '-fps_mode', 'passthrough', ...vp8], 'blue.mkv');
  });
  const base = () => ({
    dir,
    tracks: [track('a.mkv', 'audio', 'mic', 'p', 500), track('v.mkv', 'video', 'webcam', 'p', 200)],
    durationSeconds: 3,
    ffmpegPath: '/usr/bin/ffmpeg',
    ffprobePath: '/usr/bin/ffprobe',
  });

  it('compose gridCells lays out 1, 2, 4 and 5 cameras inside 1280x720', () => {
    expect(gridCells(1)).toEqual([{ x: 0, y: 0, w: 1280, h: 720 }]);
    expect(gridCells(2).map((c) => [c.x, c.w])).toEqual([[0, 640], [640, 640]]);
    expect(gridCells(4)).toHaveLength(4);
    for (const c of gridCells(5)) {
      expect(c.x + c.w).toBeLessThanOrEqual(1280);
      expect(c.y + c.h).toBeLessThanOrEqual(720);
    }
  });

  it('compose writes a validated MP4 with audio and video of the recorded length', async () => {
    const out = await compose({ ...base(), outputName: 'ok.mp4' });
    expect(out.probe.streams.map((s) => s.codecType).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(out.probe.durationSeconds - 3)).toBeLessThan(0.2);
    expect(out.sizeBytes).toBeGreaterThan(0);
  });

  it('compose holds the last frame of a camera that ends or stalls, so every participant stays in the picture', async () => {
    const cam = (file: string, peerId: string, endMs: number) => ({ ...track(file, 'video', 'webcam', peerId, 0), endMs });
    const out = await compose({
      ...base(),
      tracks: [track('a.mkv', 'audio', 'mic', 'p', 0), cam('red.mkv', 'p', 4000), cam('green.mkv', 'q', 2000), cam('blue.mkv', 'r', 3500)],
      durationSeconds: 4,
      outputName: 'hold.mp4',
    });
    // 2x2 grid (64x36 thumbnails): p top left, q top right, r bottom left, the fourth cell empty.
    const cells = { p: [16, 9], q: [48, 9], r: [16, 27], empty: [48, 27] } as const;
    const colourAt = async (t: number) => {
      const f = await frameAt(join(dir, out.file), t);
      return Object.fromEntries(Object.entries(cells).map(([k, [x, y]]) => [k, dominant(f, x + y * 64)]));
    };
    expect(await colourAt(0.5)).toEqual({ p: 'red', q: 'green', r: 'blue', empty: 'background' });
    // q ended at 2 s and r stalls from 1 s to 3 s: both still shown.
    expect(await colourAt(2.5)).toEqual({ p: 'red', q: 'green', r: 'blue', empty: 'background' });
    // After every camera but p ended: still all three.
    expect(await colourAt(3.8)).toEqual({ p: 'red', q: 'green', r: 'blue', empty: 'background' });
  });

  it('compose reports a full disk and leaves no file that looks complete', async () => {
    // The temporary output is /dev/full: every write fails with ENOSPC.
    symlinkSync('/dev/full', join(dir, '.full.mp4.part'));
    const failure = await compose({ ...base(), outputName: 'full.mp4' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ComposeError);
    expect((failure as Error).message).toMatch(/Disk full/);
    expect(existsSync(join(dir, 'full.mp4'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('full'))).toEqual([]);
  });
});
