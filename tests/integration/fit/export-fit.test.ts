/**
 * `export … --fit`'s engine half: renderFitForExport yields a remix exactly as long as the clip,
 * which exportClipWithTrack muxes under the picture (as the track, from offset 0, no fades: the
 * remix already ends on the track's ending). The temporary remix goes away with cleanup().
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrack } from '../../../electron/engine/fit/analyse';
import { renderFitForExport } from '../../../electron/engine/fit/fit';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { ffprobePath } from '../../../electron/engine/media/ffmpeg-path';
import { probe } from '../../../electron/engine/media/probe';
import { ffmpeg, solidVideo, tempDir } from '../../helpers/media';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';

describe('renderFitForExport', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let track: string;
  let clip: string;
  const s = synthTrack({ bars: 16 });
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-fit-export-'));
    track = join(dir, 'synth.wav');
    await writeFile(track, wavBytes(s.pcm, s.sampleRate));
    clip = await solidVideo(dir, { seconds: 13.48, color: 'navy', fps: 25, width: 160, height: 90 });
  });
  afterAll(() => cleanup());

  it('renders a remix the clip’s length that ends on the ending, muxes, and cleans up', async () => {
    const { remix, result, cleanup: drop } = await renderFitForExport({ clip, track });
    try {
      const clipSeconds = (await probe(clip)).duration;
      const pcm = await decodeTrack(remix);
      expect(Math.abs(pcm.length / AUDIO_SPEC.sampleRate - clipSeconds)).toBeLessThanOrEqual(1 / 25);
      expect(result.plan.endMode).toBe('ending');
      expect(result.plan.splices.length).toBeGreaterThanOrEqual(1);
      const out = join(dir, 'scored.mp4');
      const ex = await exportClipWithTrack({ clip, track: remix, offset: 0, fade: 0, out });
      expect(ex.audible).toBeCloseTo(ex.duration, 1);
      const info = await probe(out);
      expect(info.streams.filter((x) => x.type === 'audio')).toHaveLength(1);
      expect(Math.abs(info.duration - clipSeconds)).toBeLessThanOrEqual(0.1);
    } finally {
      await drop();
    }
    expect(existsSync(remix)).toBe(false);
    // The temp remix is gone once muxed: the result does not point at it (review R12 saw it printed).
    expect(result).not.toHaveProperty('remix');
  });

  it('a clip whose timestamps start at 2 s is fitted to its picture, not to its end timestamp (review R16)', async () => {
    const late = await ffmpeg(['-i', clip, '-c', 'copy', '-output_ts_offset', '2'], join(dir, 'late.mkv'));
    // Truth from ffprobe's packets: first pts to last pts + duration (13.48 s made above; Matroska states 15.48).
    const { stdout } = await promisify(execFile)(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', late]);
    const rows = stdout.trim().split('\n').map((l) => l.split(',').map(Number));
    const picture = Math.max(...rows.map(([p, d]) => p + d)) - Math.min(...rows.map(([p]) => p));
    expect(picture).toBeCloseTo(13.48, 2);
    const { remix, result, cleanup: drop } = await renderFitForExport({ clip: late, track });
    try {
      expect(result.target).toBeCloseTo(picture, 2);
      const pcm = await decodeTrack(remix);
      expect(Math.abs(pcm.length / AUDIO_SPEC.sampleRate - picture)).toBeLessThanOrEqual(1 / 25);
      expect(result.plan.endMode).toBe('ending');
      const ex = await exportClipWithTrack({ clip: late, track: remix, offset: 0, fade: 0, out: join(dir, 'late-scored.mp4') });
      // All of the remix is heard, ending included: no "cut short", nothing trimmed off.
      expect(ex.warnings).toEqual([]);
      expect(ex.audible).toBeCloseTo(picture, 1);
    } finally {
      await drop();
    }
  });
});
