/**
 * Review R20: the app's Fit ignored the In–Out range (it fitted the whole clip from a clamped
 * offset), and an export with a fit could not be placed at the In point. An export with a fit and
 * start/end renders the remix for that range and places it there: silence before and after, the
 * music in between — what the ear hears, measured in the written file.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { decodeMono, rmsBetween, solidVideo, tempDir } from '../../helpers/media';
import { withEngine } from '../../helpers/engine';
import { run as cliExport } from '../../../scripts/cli/export';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';

describe('export with a fit over an In–Out range', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let track: string;
  let clip: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-fit-range-'));
    const s = synthTrack({ bars: 16 });
    track = join(dir, 'synth.wav');
    await writeFile(track, wavBytes(s.pcm, s.sampleRate));
    clip = await solidVideo(dir, { seconds: 13.48, color: 'navy', fps: 25, width: 160, height: 90 });
  });
  afterAll(() => cleanup());

  it('places a remix as long as the range at its start', async () => {
    await withEngine(join(dir, 'data'), { confined: false }, async (engine) => {
      const out = join(dir, 'range.mp4');
      const r = await runJob(engine, 'export', { clip, track, out, fit: true, start: 2, end: 10 });
      expect(r.fit?.plan.duration).toBeCloseTo(8, 1);
      expect(r.lead).toBeCloseTo(2, 6);
      const rate = 2000;
      const pcm = await decodeMono(out, rate);
      const rms = (from: number, to: number): number => rmsBetween(pcm, rate, from, to);
      expect(rms(0, 1.9)).toBeLessThan(1e-3);
      expect(rms(2.2, 9.8)).toBeGreaterThan(0.02);
      expect(rms(10.2, 13.3)).toBeLessThan(1e-3);
    });
  }, 300_000);

  it('the CLI does the same with --fit --start --end (review R35)', async () => {
    const out = join(dir, 'cli-range.mp4');
    const home = join(dir, 'cli-home');
    const prev = process.env.NEEDLEDROP_HOME;
    process.env.NEEDLEDROP_HOME = home;
    try {
      expect(await cliExport([clip, track, '--fit', '--start', '3', '--end', '9', '--out', out])).toBe(0);
    } finally {
      if (prev === undefined) delete process.env.NEEDLEDROP_HOME;
      else process.env.NEEDLEDROP_HOME = prev;
    }
    const rate = 2000;
    const pcm = await decodeMono(out, rate);
    const rms = (from: number, to: number): number => rmsBetween(pcm, rate, from, to);
    expect(rms(0, 2.9)).toBeLessThan(1e-3);
    expect(rms(3.2, 8.8)).toBeGreaterThan(0.02);
    expect(rms(9.2, 13.3)).toBeLessThan(1e-3);
  }, 300_000);
});
