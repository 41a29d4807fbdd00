/**
 * One tiny corpus pair rendered for real (32×32, 1 s, 8 fps: well under a second of ffmpeg), fast
 * enough for mutation runs: a webm clip of the noise style probes as VP9 with the planned frames,
 * carries the palette's chroma and moves; a corpus of one pair is written whole; and a pair ffmpeg
 * cannot write fails the generation with ffmpeg's own reason.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, loadCorpus } from '../../../electron/engine/corpus/generate';
import { planCorpus } from '../../../electron/engine/corpus/plan';
import { renderPair } from '../../../electron/engine/corpus/render';
import type { CorpusOptions, CorpusPair } from '../../../electron/engine/corpus/types';
import { paletteFilter } from '../../../electron/engine/corpus/video';
import { NeedledropError } from '../../../electron/engine/errors';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { probe, videoStream } from '../../../electron/engine/media/probe';
import { tempDir } from '../../helpers/media';

const run = promisify(execFile);
const OPTS: CorpusOptions = { pairs: 1, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 8000 };
const TINY = { seed: 4242, pairs: 1, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 8000, jobs: 1 };

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-corpus-one-');
});
afterAll(async () => {
  await tmp.cleanup();
});

/** Every frame's raw planar YUV 4:2:0 bytes. */
async function frames(file: string): Promise<Uint8Array[]> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  const size = 32 * 32 * 1.5;
  return Array.from({ length: stdout.length / size }, (_, k) => new Uint8Array(stdout.buffer, stdout.byteOffset + k * size, size));
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

describe('one corpus pair, rendered', () => {
  it('a noise-style webm clip is VP9 with the planned frames, the palette chroma, and moves at high arousal', async () => {
    const base = planCorpus(7, OPTS).pairs[0];
    const pair: CorpusPair = {
      ...base,
      latent: { ...base.latent, arousal: 1 },
      nuisance: { ...base.nuisance, style: 'noise', cuts: [], videoContainer: 'webm', audioFormat: 'wav', hue: 120, saturation: 0.6, lightness: 0.5 },
      video: 'video/one.webm',
      music: 'music/one.wav',
    };
    const out = join(tmp.dir, 'render');
    mkdirSync(join(out, 'video'), { recursive: true });
    mkdirSync(join(out, 'music'), { recursive: true });
    await renderPair(pair, OPTS, out);
    const info = await probe(join(out, pair.video));
    const v = videoStream(info);
    expect(info.container).toMatch(/webm|matroska/);
    expect(v?.codec).toBe('vp9');
    expect([v?.width, v?.height]).toEqual([32, 32]);
    const fs = await frames(join(out, pair.video));
    expect(fs).toHaveLength(8);
    // The palette sets one chroma for the whole clip (within the codec's rounding).
    const want = /u=(\d+):v=(\d+)/.exec(paletteFilter(120, 0.6, 0.5));
    expect(want).not.toBeNull();
    const [u, vv] = [Number(want?.[1]), Number(want?.[2])];
    for (const f of fs) {
      expect(Math.abs(mean(f.subarray(1024, 1024 + 256)) - u)).toBeLessThan(3);
      expect(Math.abs(mean(f.subarray(1280, 1280 + 256)) - vv)).toBeLessThan(3);
    }
    // Noise redrawn 10 times a second at full arousal: consecutive frames differ in luma.
    const diffs = fs.slice(1).map((f, k) => mean(f.subarray(0, 1024).map((y, i) => Math.abs(y - fs[k][i]))));
    expect(mean(diffs)).toBeGreaterThan(3);
  });

  it('generates a corpus of one pair: manifest and both files under their final names', async () => {
    const out = join(tmp.dir, 'whole');
    const manifest = await generateCorpus({ ...TINY, outDir: out });
    expect(loadCorpus(out).pairs.map((p) => p.id)).toEqual(manifest.pairs.map((p) => p.id));
    const [pair] = manifest.pairs;
    expect(existsSync(join(out, pair.video))).toBe(true);
    expect(existsSync(join(out, pair.music))).toBe(true);
    expect(videoStream(await probe(join(out, pair.video)))?.width).toBe(32);
  });

  it("a pair ffmpeg cannot write fails the generation with ffmpeg's reason", async () => {
    const out = join(tmp.dir, 'blocked');
    const [pair] = planCorpus(TINY.seed, { ...OPTS, pairs: 1 }).pairs;
    // ffmpeg's temporary video file is a link into a folder that does not exist, so it cannot be opened.
    mkdirSync(join(out, 'video'), { recursive: true });
    symlinkSync(join(out, 'no-such-folder', 'x.mp4'), join(out, 'video', `.part-${pair.video.slice('video/'.length)}`));
    const err = await generateCorpus({ ...TINY, outDir: out }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NeedledropError);
    expect((err as Error).message).toMatch(/^ffmpeg failed rendering a corpus pair \(exit \d+\): .*No such file or directory/s);
    expect(existsSync(join(out, pair.video))).toBe(false);
  });
});
