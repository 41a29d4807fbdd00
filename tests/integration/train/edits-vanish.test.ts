/**
 * An edit that vanishes while `train --from-videos` reads the folder (session 21, F2.2): it was
 * skipped as "no usable audio and video (…: decoding failed: file not found)", which blames the
 * video's content, and a set made small by it read "too few usable music edits to fine-tune (train
 * windows 1, held-out 0)", naming no count of edits. Now the skip says the file is no longer there,
 * the others are used, and a set genuinely too small says how many of how many were usable and why
 * each other one was skipped.
 *
 * Real ffmpeg-made videos (a tone under a test pattern: music by soundtrackKind's measure). The
 * deletion is deterministic: the file is removed from the progress callback of the first file done,
 * which runs before the pool (2 at once) starts the third file.
 */
import { copyFileSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../../electron/engine/train/dataset';
import { loadEditPairs } from '../../../electron/engine/train/edits';
import { finetuneOnEdits } from '../../../electron/engine/train/finetune';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';
import { randomBytes, tempDir, videoWithAudio } from '../../helpers/media';

const SECONDS = 12;
// Descriptor steps are 0.5 s; window 16 steps, hop 4: (24 - 16) / 4 + 1 windows of a 12 s edit.
const WINDOW = 16;
const HOP = 4;
const WINDOWS = (SECONDS * 2 - WINDOW) / HOP + 1;

describe('an edit removed while the folder of edits is read', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const made: string[] = [];
  /** A folder holding copies of the made edits under these names. */
  const folder = (name: string, files: Array<[from: number, as: string]>): string => {
    const out = join(dir, name);
    mkdirSync(out);
    for (const [from, as] of files) copyFileSync(made[from], join(out, as));
    return out;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-edits-vanish-'));
    const src = join(dir, 'made');
    mkdirSync(src);
    for (const [i, freq] of [440, 554, 659].entries()) made.push(await videoWithAudio(src, { seconds: SECONDS, width: 160, height: 90, fps: 10, freq, name: `e${i}.mp4` }));
  }, 60_000);
  afterAll(() => cleanup?.());

  it('is skipped as no longer there, naming it; the other edits are used and every file counts as done', async () => {
    const edits = folder('three', [[0, 'e0.mp4'], [1, 'e1.mp4'], [2, 'e2.mp4']]);
    const gone = join(edits, 'e2.mp4');
    const seen: LoadProgress[] = [];
    const out = await loadEditPairs(edits, {
      window: WINDOW,
      hop: HOP,
      cacheDir: join(dir, 'cache-three'),
      jobs: 2,
      onProgress: (p) => {
        seen.push(p);
        if (p.done === 1) unlinkSync(gone);
      },
    });
    expect(existsSync(gone)).toBe(false);
    expect(out.videos.map((v) => v.file)).toEqual([join(edits, 'e0.mp4'), join(edits, 'e1.mp4')]);
    expect(out.videos.map((v) => v.windows)).toEqual([WINDOWS, WINDOWS]);
    expect(out.skipped).toHaveLength(1);
    expect(out.skipped[0].file).toBe(gone);
    expect(out.skipped[0].reason).toBe('no longer there (removed or moved after the run listed the folder)');
    expect(seen.at(-1)).toMatchObject({ done: 3, total: 3 });
  }, 60_000);

  it('a set too small once it is gone says how many of how many were usable, and why each other one was skipped', async () => {
    // bad.mp4 (random bytes) is unusable from the start; e2.mp4 goes when the first file is done.
    const edits = folder('small', [[0, 'e0.mp4'], [2, 'e2.mp4']]);
    const bad = await randomBytes(edits, 'bad.mp4');
    const gone = join(edits, 'e2.mp4');
    const home = join(dir, 'home');
    const registry = registryOptions(contextFromEnv({}, { dataDir: home, threads: 1 }));
    const err = await finetuneOnEdits(
      { videos: edits, version: 'ft-vanish', steps: 2, hop: HOP },
      { registry, userModelsDir: join(home, 'models'), checkpointsDir: join(home, 'checkpoints'), cacheDir: join(home, 'edit-features') },
      {
        signal: new AbortController().signal,
        progress: (phase, done) => {
          if (phase === 'features' && done === 1) unlinkSync(gone);
        },
      },
    ).then(
      () => null,
      (e: unknown) => e as Error & { file?: string },
    );
    expect(err).not.toBeNull();
    expect(err?.file).toBe(edits);
    expect(err?.message).toContain('too few usable edits to fine-tune: 1 of 3 edits usable');
    expect(err?.message).toContain(`${gone}: no longer there (removed or moved after the run listed the folder)`);
    // The decoder's cause, without the file named a second time inside it.
    expect(err?.message).toContain(`${bad}: no usable audio and video (`);
    expect(err?.message.split(bad)).toHaveLength(2);
    expect(existsSync(join(home, 'models', 'ft-vanish'))).toBe(false);
  }, 120_000);
});
