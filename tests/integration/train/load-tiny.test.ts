/**
 * Training data from a corpus of one tiny pair (1 s, 32 × 32): one sample with the pair's split,
 * latent and descriptor sizes from the feature spec, one window per side; a second load reads the
 * feature cache instead of decoding again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import { AUDIO_SPEC, VIDEO_SPEC } from '../../../electron/engine/features/spec';
import { loadTrainingData } from '../../../electron/engine/train/dataset';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-train-tiny-');
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('loadTrainingData on one tiny pair', () => {
  it('gives one sample sized by the spec, and reads the cache the second time', async () => {
    const dir = join(tmp.dir, 'corpus');
    const manifest = await generateCorpus({ seed: 77, pairs: 1, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 22050, jobs: 1, outDir: dir });
    const data = await loadTrainingData(dir, { window: 4, hop: 2, jobs: 1 });
    expect(data.pairs).toHaveLength(1);
    const [p] = data.pairs;
    expect([p.id, p.split, p.latent]).toEqual([manifest.pairs[0].id, manifest.pairs[0].split, manifest.pairs[0].latent]);
    expect(data.dims).toEqual({ video: VIDEO_SPEC.names.length, audio: AUDIO_SPEC.names.length });
    // 1 s is two 0.5 s steps: shorter than the 4-step window, so one (padded) window a side.
    expect([p.video.segments.n, p.audio.segments.n]).toEqual([1, 1]);
    const progress: number[] = [];
    await loadTrainingData(dir, { window: 4, hop: 2, jobs: 1, onProgress: (q) => progress.push(q.cached) });
    expect(progress).toEqual([1]);
  });
});
