/**
 * The synthetic corpus on the bundled ffmpeg (a 2018 4.1 build without the `gradients` source
 * and zoompan's `in_time`): the graphs for those styles fall back to what that build has, render,
 * and keep the property the corpus exists for: faster motion at higher arousal.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, planCorpus } from '../../../electron/engine/corpus/plan';
import type { CorpusOptions, CorpusPair, VideoStyle } from '../../../electron/engine/corpus/types';
import { videoGraph } from '../../../electron/engine/corpus/video';
import { clearToolCache, configureFfmpeg, ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';

const REPO = resolve(import.meta.dirname, '../../..');
const BUNDLED = join(REPO, 'node_modules', '@ffmpeg-installer', `${process.platform}-${process.arch}`, 'ffmpeg');
const OPTS: CorpusOptions = { ...DEFAULT_OPTIONS, pairs: 1, clipSeconds: 4 };

beforeAll(() => configureFfmpeg({ ffmpeg: BUNDLED }));
afterAll(() => {
  configureFfmpeg({});
  clearToolCache();
});

/** One pair of `style` at `arousal`, as a single shot (no cuts: only the pattern's own motion). */
function pairOf(style: VideoStyle, arousal: number): CorpusPair {
  const pair = structuredClone(planCorpus(3, OPTS).pairs[0]);
  pair.latent.arousal = arousal;
  pair.nuisance = { ...pair.nuisance, style, cuts: [], hue: 200, saturation: 0.5, lightness: 0.5 };
  return pair;
}

/** Mean absolute luma change between consecutive frames, rendered by the configured ffmpeg. */
function motion(graph: string): number {
  const raw = execFileSync(
    ffmpegPath(),
    ['-v', 'error', '-filter_complex', graph, '-map', '[v]', '-frames:v', String(OPTS.clipSeconds * OPTS.fps), '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'],
    { maxBuffer: 1 << 26 },
  );
  const size = OPTS.width * OPTS.height;
  const frames = Math.floor(raw.length / size);
  expect(frames).toBe(OPTS.clipSeconds * OPTS.fps);
  let sum = 0;
  for (let f = 1; f < frames; f++) {
    for (let i = 0; i < size; i++) sum += Math.abs(raw[f * size + i] - raw[(f - 1) * size + i]);
  }
  return sum / ((frames - 1) * size);
}

describe('corpus graphs on the bundled ffmpeg', () => {
  it.each(['gradients', 'pan'] as const)('%s: renders without the newer features, and moves faster at higher arousal', (style) => {
    const calm = videoGraph(pairOf(style, 0.05), OPTS);
    const lively = videoGraph(pairOf(style, 0.95), OPTS);
    for (const g of [calm, lively]) expect(g).not.toMatch(/gradients=|in_time/);
    const [slow, fast] = [motion(calm), motion(lively)];
    expect(slow).toBeGreaterThan(0);
    expect(fast).toBeGreaterThan(1.5 * slow);
  });
});
