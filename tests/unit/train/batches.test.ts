/** Training batches: seeded, replayable after a skip, windows taken from each pair's own segments. */
import { describe, expect, it } from 'vitest';
import { TrainBatches, type TrainBatch } from '../../../electron/engine/train/batches';
import { bySplit } from '../../../electron/engine/train/dataset';
import { syntheticTrainingData } from './synthetic';

const data = syntheticTrainingData();
const train = bySplit(data, 'train');
const make = (positives: 'pair' | 'mood' = 'pair', seed = 4): TrainBatches => new TrainBatches(train, { batchSize: 8, seed, positives });
const ids = (b: TrainBatch): string[] => b.items.map((p) => p.id);

describe('TrainBatches', () => {
  it('after skipping k steps gives the batches a run from the start gives at step k', () => {
    const whole = make();
    const sequence = Array.from({ length: 9 }, (_, step) => whole.next(step));
    const resumed = make();
    resumed.skip(6);
    for (let step = 6; step < 9; step++) {
      const b = resumed.next(step);
      expect(ids(b)).toEqual(ids(sequence[step]));
      expect(Array.from(b.labels)).toEqual(Array.from(sequence[step].labels));
      expect(b.video).toEqual(sequence[step].video);
      expect(b.audio).toEqual(sequence[step].audio);
    }
    expect(ids(make(undefined, 5).next(0))).not.toEqual(ids(sequence[0]));
  });

  it('each row is one whole segment window of its own pair, on both sides', () => {
    const b = make().next(3);
    for (const side of ['video', 'audio'] as const) {
      b.items.forEach((p, i) => {
        const segs = p[side].segments;
        const size = segs.window * segs.D;
        const row = Array.from(b[side].subarray(i * size, (i + 1) * size));
        const matches = Array.from({ length: segs.n }, (_, s) => Array.from(segs.data.subarray(s * size, (s + 1) * size))).filter((w) => w.every((x, k) => x === row[k]));
        expect(matches.length).toBeGreaterThan(0);
      });
    }
  });

  it('labels: every pair its own with pair positives, shared by a mood class with mood positives', () => {
    const pairs = make('pair').next(0);
    expect(new Set(pairs.labels).size).toBe(pairs.items.length);
    const mood = make('mood').next(0);
    mood.items.forEach((p, i) =>
      mood.items.forEach((q, j) => {
        expect(mood.labels[i] === mood.labels[j]).toBe(p.classId === q.classId);
      }),
    );
  });
});

describe('TrainBatches with fine-tuning classes', () => {
  it('keeps the data’s own classes under the default mood bins: windows of one video are positives, other videos negatives', () => {
    // Edit windows carry a neutral latent and their video's index as classId (train/edits.ts).
    const edits = train.map((p, i) => ({ ...p, id: `w${i}`, latent: { arousal: 0.5, valence: 0.5, pace: 0.5 }, classId: i % 3 }));
    const b = new TrainBatches(edits, { batchSize: 8, seed: 2, positives: 'mood', moodBins: 3 }).next(0);
    b.items.forEach((p, i) => b.items.forEach((q, j) => expect(b.labels[i] === b.labels[j]).toBe(p.classId === q.classId)));
    expect(new Set(b.items.map((p) => p.classId)).size).toBeGreaterThan(1);
  });
});
