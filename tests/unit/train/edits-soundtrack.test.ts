/**
 * Fine-tuning on finished edits: how a soundtrack is classed from its steps (music, speech or
 * silence) on hand-made descriptor sequences, and a folder whose only video is unreadable giving
 * no pairs, zero dimensions and the video in the skipped list with its reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { loadEditPairs, soundtrackKind } from '../../../electron/engine/train/edits';
import { tempDir } from '../../helpers/media';

type Step = 'music' | 'speech' | 'silence';

/** rms_db and flatness per step: music −20 dB tonal, speech −20 dB noisy (flatness 0.4), silence −60 dB. */
function soundtrack(steps: readonly Step[]): FeatureSeq {
  const data = new Float32Array(steps.length * 2);
  steps.forEach((s, t) => data.set(s === 'silence' ? [-60, 0.1] : s === 'speech' ? [-20, 0.4] : [-20, 0.1], t * 2));
  return { step: 0.5, names: ['rms_db', 'flatness'], data, T: steps.length, D: 2, spec: 'test', start: 0 };
}

describe('soundtrackKind', () => {
  it('is music from half the steps up; otherwise speech or silence, whichever has more steps, speech on a tie', () => {
    expect(soundtrackKind(soundtrack(['music', 'music', 'speech', 'silence']))).toEqual({ kind: 'music', music: 0.5, speech: 0.25, silence: 0.25 });
    expect(soundtrackKind(soundtrack(['music', 'speech', 'speech', 'silence'])).kind).toBe('speech');
    expect(soundtrackKind(soundtrack(['music', 'speech', 'silence', 'silence'])).kind).toBe('silence');
    expect(soundtrackKind(soundtrack(['music', 'speech', 'silence']))).toEqual({ kind: 'speech', music: 1 / 3, speech: 1 / 3, silence: 1 / 3 });
  });

  it('counts a tonal step as speech when its level jumps more than 6 dB from the previous step', () => {
    const seq = soundtrack(['music', 'music', 'music', 'music']);
    seq.data[2 * 2] = -10; // step 2 is 10 dB louder than step 1, step 3 10 dB quieter than step 2
    expect(soundtrackKind(seq)).toEqual({ kind: 'music', music: 0.5, speech: 0.5, silence: 0 });
  });
});

describe('loadEditPairs', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('needledrop-edits-');
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('a folder whose only video is unreadable yields no pairs, zero dimensions, and the video skipped with why', async () => {
    const file = join(tmp.dir, 'broken.mp4');
    writeFileSync(file, Buffer.from('not a video at all, just text pretending to be one'.repeat(20)));
    const { data, videos, skipped } = await loadEditPairs(tmp.dir, { window: 8, hop: 4, cacheDir: join(tmp.dir, 'cache'), jobs: 1 });
    expect(data.pairs).toEqual([]);
    expect(data.dims).toEqual({ video: 0, audio: 0 });
    expect(videos).toEqual([]);
    expect(skipped.map((s) => s.file)).toEqual([file]);
    expect(skipped[0].reason).toMatch(/^no usable audio and video \(.+\)$/);
  });
});
