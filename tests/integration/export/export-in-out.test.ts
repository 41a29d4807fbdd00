/**
 * A plain export after In and Out (review R2.13): the track was at the offset at the In point but
 * played over the whole clip, before In and past Out; an editor who marked 2–4.5 s expects the
 * score there. With `end` (the app's Out, the CLI's --end) the track is heard from In (at the offset
 * there) to Out only, faded at both, the clip silent before and after. Truths from the written file:
 * silence measured outside the range, and where the exported sound sits in the whole decoded
 * source by cross-correlation (not the exporter's seek).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { exportSilence, plainExportSpan } from '../../../electron/contract/wording';
import { run as cliExport } from '../../../scripts/cli/export';
import { withEngine } from '../../helpers/engine';
import { decodeMono, ffmpeg, rmsBetween, tempDir } from '../../helpers/media';
import { bestMatch } from '../../helpers/signal';

const CLIP = 6;
const IN = 2;
const OUT = 4.5;
const OFFSET = 0.5;

/** The lag (in samples) at which `probe` best matches `source`, by normalised cross-correlation. */
function bestLag(source: Float32Array, probe: Float32Array): number {
  const { lag, score } = bestMatch(source, probe);
  expect(score).toBeGreaterThan(0.5); // a real match, not the best of noise
  return lag;
}

describe('a plain export between In and Out', () => {
  let dir = '';
  let clip = '';
  let noise = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-export-in-out-'));
    clip = await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=160x90:r=25:d=${CLIP}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], join(dir, 'clip.mp4'));
    // Seeded white noise: no period, one sharp cross-correlation peak.
    noise = await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=a=0.2:d=8:r=48000:seed=16', '-c:a', 'flac'], join(dir, 'noise.flac'));
  }, 120_000);
  afterAll(() => cleanup());

  it('the engine (as the app asks it): the track heard only between In and Out, at the offset at In', async () => {
    await withEngine(join(dir, 'data'), { confined: false }, async (engine) => {
      const rate = 2000;
      const r = await runJob(engine, 'export', { clip, track: noise, out: join(dir, 'in-out.mp4'), offset: OFFSET, start: IN, end: OUT, fade: 0 });
      expect(r.lead).toBeCloseTo(IN, 6);
      expect(r.audible).toBeCloseTo(OUT - IN, 6);
      // What the app says before the export is what it wrote.
      const ahead = plainExportSpan(CLIP, 8, OFFSET, IN, OUT);
      expect([ahead.lead, ahead.audible]).toEqual([r.lead, r.audible].map((x) => expect.closeTo(x, 6)));
      expect(exportSilence(r)).toBe('silence until the track begins at 2.00 s, the track ends at 4.50 s; 1.50 s of silence after it');

      const [source, exported] = await Promise.all([decodeMono(noise, rate), decodeMono(r.out, rate)]);
      // The Out point stops what is heard, not the track's end: the track still sounds past source time
      // OFFSET + (OUT − IN), where the export falls silent (review S19: the app said "the track ends at 4.50 s").
      const cutAt = OFFSET + (OUT - IN);
      expect(rmsBetween(source, rate, cutAt + 0.1, cutAt + 1)).toBeGreaterThan(0.02);
      const said = 'silence until the track begins at 2.00 s, the Out point stops the track at 4.50 s; 1.50 s of silence after it';
      expect(exportSilence({ ...ahead, outPoint: OUT })).toBe(said);
      expect(exportSilence({ ...r, outPoint: OUT })).toBe(said);
      // A track that runs out before the Out point still ends itself: 1.5 s of a 2 s track from 0.5 s.
      expect(exportSilence({ ...plainExportSpan(CLIP, 2, OFFSET, IN, OUT), outPoint: OUT })).toBe('silence until the track begins at 2.00 s, the track ends at 3.50 s; 2.50 s of silence after it');
      const rms = (from: number, to: number): number => rmsBetween(exported, rate, from, to);
      expect(rms(0, IN - 0.05)).toBeLessThan(1e-3);
      expect(rms(OUT + 0.05, CLIP)).toBeLessThan(1e-3);
      expect(rms(IN + 0.1, OUT - 0.1)).toBeGreaterThan(0.02);
      // Clip time 2.5–4.0 s holds source time OFFSET + (t − IN): 1.0–2.5 s.
      const probe = exported.subarray(2.5 * rate, 4 * rate);
      expect(Math.abs(bestLag(source, probe) / rate - (OFFSET + 0.5))).toBeLessThan(0.02);
    });
  }, 300_000);

  it('faded in at In and out at Out (the default fade), not at the clip’s ends', async () => {
    await withEngine(join(dir, 'data-fade'), { confined: false }, async (engine) => {
      const rate = 8000;
      const r = await runJob(engine, 'export', { clip, track: noise, out: join(dir, 'faded.mp4'), offset: OFFSET, start: IN, end: OUT });
      expect(r.fade).toBe(0.5);
      const pcm = await decodeMono(r.out, rate);
      const rms = (from: number, to: number): number => rmsBetween(pcm, rate, from, to);
      const middle = rms(IN + 1, OUT - 1);
      // The first and last 0.1 s of the fades are well under the steady level.
      expect(rms(IN, IN + 0.1)).toBeLessThan(0.3 * middle);
      expect(rms(OUT - 0.1, OUT)).toBeLessThan(0.3 * middle);
    });
  }, 300_000);

  it('the CLI: --start and --end without --fit are the In and Out points; an Out past the clip is refused', async () => {
    const out = join(dir, 'cli.mp4');
    expect(await cliExport([clip, noise, '--offset', String(OFFSET), '--start', String(IN), '--end', String(OUT), '--out', out, '--fade', '0'])).toBe(0);
    const rate = 2000;
    const exported = await decodeMono(out, rate);
    expect(rmsBetween(exported, rate, 0, IN - 0.05)).toBeLessThan(1e-3);
    expect(rmsBetween(exported, rate, OUT + 0.05, CLIP)).toBeLessThan(1e-3);
    await expect(cliExport([clip, noise, '--start', '2', '--end', '9', '--out', join(dir, 'past.mp4')])).rejects.toThrow('the Out point (9 s) is past the end of the clip (6.00 s)');
    await expect(cliExport([clip, noise, '--start', '4', '--end', '3', '--out', join(dir, 'backwards.mp4')])).rejects.toThrow('the Out point (3 s) must be after the In point (4 s)');
  }, 300_000);
});
