/**
 * The fit's render gave ffmpeg its track as `-i <path as given>`, without the `file:` prefix every
 * other ffmpeg input has (media/process mediaArg): a track named "-" was read as standard input,
 * one named like a protocol ("concat:…", "http:…") as that protocol ("concat:silence.wav" read the
 * file silence.wav). "-", "-tone.wav" and "concat:silence.wav" (each a copy of a 440 Hz tone, beside a
 * silent silence.wav) are rendered for real here from the current folder, and each remix is the
 * tone's first 3 s (its length and level measured by ffmpeg's own decode).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFit } from '../../../electron/engine/fit/render';
import type { FitPlan } from '../../../electron/engine/fit/types';
import { decodeMono, rmsBetween, silence, sine, tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
const cwd = process.cwd();
beforeAll(async () => {
  tmp = await tempDir('nd-render-track-name-');
  const tone = await sine(tmp.dir, { seconds: 4, freq: 440, name: 'tone.wav' });
  await silence(tmp.dir, { seconds: 4, name: 'silence.wav' });
  for (const name of ['-', '-tone.wav', 'concat:silence.wav']) copyFileSync(tone, join(tmp.dir, name));
  // Relative names, as a caller may pass them: resolved against the current folder.
  process.chdir(tmp.dir);
}, 60_000);
afterAll(async () => {
  process.chdir(cwd);
  await tmp?.cleanup();
});

/** The first 3 s of the track, kept whole. */
const plan = { duration: 3, start: 0, endMode: 'ending', tempoRatio: 1, ranges: [{ sourceStart: 0, sourceEnd: 3, outputStart: 0 }], splices: [], worstSplice: 0, beats: [], downbeats: [] } as unknown as FitPlan;

describe('renderFit: the track is a file whatever its name', () => {
  for (const [k, name] of ['-', '-tone.wav', 'concat:silence.wav'].entries()) {
    it(`renders "${name}"`, async () => {
      const out = join(tmp.dir, `out-${k}.wav`);
      const r = await renderFit(name, plan, { out });
      expect(r.samples).toBe(3 * r.sampleRate);
      const pcm = await decodeMono(out, 8000);
      expect(pcm.length / 8000).toBeCloseTo(3, 2);
      // The 0.5-amplitude sine is there: its RMS, 0.5/√2 (not silence, not another input).
      expect(rmsBetween(pcm, 8000, 0.5, 2.5)).toBeCloseTo(0.5 / Math.SQRT2, 1);
    }, 60_000);
  }
});
