import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose, ComposeError, gridCells } from './compose.js';
import type { TrackResult } from './TrackWriter.js';

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
