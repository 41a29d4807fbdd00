/**
 * A failed render's clean-up must not hide why it failed: when ffmpeg cannot write a pair because
 * its temporary video name is taken by a folder, the error is ffmpeg's ("Is a directory"), not
 * the clean-up's own failure to remove that folder, and the folder is left as it was.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import { planCorpus } from '../../../electron/engine/corpus/plan';
import { NeedledropError } from '../../../electron/engine/errors';
import { tempDir } from '../../helpers/media';

const TINY = { seed: 4242, pairs: 1, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 8000, jobs: 1 };

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-corpus-cleanup-');
});
afterAll(async () => {
  await tmp.cleanup();
});

it("a pair whose temporary name is a folder fails with ffmpeg's reason, not the clean-up's", async () => {
  const out = join(tmp.dir, 'folder-in-the-way');
  const [pair] = planCorpus(TINY.seed, { ...TINY, pairs: 1 }).pairs;
  const part = join(out, 'video', `.part-${pair.video.slice('video/'.length)}`);
  mkdirSync(join(part, 'inside'), { recursive: true });
  const err = await generateCorpus({ ...TINY, outDir: out }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NeedledropError);
  expect((err as Error).message).toMatch(/^ffmpeg failed rendering a corpus pair \(exit \d+\): .*Is a directory/s);
  expect(statSync(part).isDirectory()).toBe(true);
  expect(existsSync(join(out, pair.video))).toBe(false);
});
