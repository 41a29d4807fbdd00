/** Training batches: seeded, replayable after a skip, windows taken from each pair's own segments. */
import { describe, expect, it } from 'vitest';
import { TrainBatches, type TrainBatch } from '../../../electron/engine/train/batches';
import { bySplit, type PairSample } from '../../../electron/engine/train/dataset';
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

describe('TrainBatches when sources limit the batch (review S5)', () => {
  /** Fine-tuning windows: clip, class and music source per window, over the synthetic pairs' descriptors. */
  const windows = (spec: Array<{ clip: string; cls: number; music?: string; n: number }>): PairSample[] => {
    let k = 0;
    return spec.flatMap(({ clip, cls, music, n }) =>
      Array.from({ length: n }, () => ({ ...train[k++], id: clip, classId: cls, latent: { arousal: 0.5, valence: 0.5, pace: 0.5 }, ...(music ? { musicSource: music } : {}) })),
    );
  };
  /** No clip and no music source in two classes within one batch: the rule the truth is checked against. */
  const expectNoConflicts = (b: TrainBatch): void => {
    for (const key of ['id', 'music'] as const) {
      const classes = new Map<string, number>();
      for (const p of b.items) {
        const source = key === 'id' ? p.id : (p.musicSource ?? p.id);
        expect(classes.get(source) ?? p.classId, `${key} ${source}`).toBe(p.classId);
        classes.set(source, p.classId);
      }
    }
  };

  it('a batch of every window that cannot exist gives the batches the data allows, not a TypeError', () => {
    // One clip in two classes (as an edit and as a judgement) and another clip: the batch size is
    // every training window (fine-tuning's min(64, windows)), which the two classes of clip a forbid.
    const data = windows([
      { clip: 'a', cls: 1, n: 5 },
      { clip: 'a', cls: 2, n: 4 },
      { clip: 'b', cls: 3, n: 3 },
    ]);
    const batches = new TrainBatches(data, { batchSize: data.length, seed: 3, positives: 'mood' });
    const seen = new Set<PairSample>();
    for (let step = 0; step < 30; step++) {
      const b = batches.next(step);
      expect(b.items.length).toBeGreaterThanOrEqual(2);
      expect(b.items.length).toBeLessThan(data.length);
      expectNoConflicts(b);
      b.items.forEach((p) => seen.add(p));
    }
    expect(seen.size).toBe(data.length);
  });

  it('one track accepted for two clips is never in both classes within a batch', () => {
    // Clip a judged twice (tracks 1 and 2, one class), clip b with track 2 too, clip c with track 3.
    const data = windows([
      { clip: 'a', cls: 1, music: 'track 1', n: 3 },
      { clip: 'a', cls: 1, music: 'track 2', n: 3 },
      { clip: 'b', cls: 2, music: 'track 2', n: 3 },
      { clip: 'c', cls: 3, music: 'track 3', n: 3 },
    ]);
    const batches = new TrainBatches(data, { batchSize: 6, seed: 1, positives: 'mood' });
    for (let step = 0; step < 30; step++) expectNoConflicts(batches.next(step));
  });

  it('fails with the cause when no batch of two pairs can exist', () => {
    const data = windows([
      { clip: 'a', cls: 1, n: 1 },
      { clip: 'a', cls: 2, n: 1 },
      { clip: 'a', cls: 3, n: 1 },
    ]);
    const batches = new TrainBatches(data, { batchSize: 3, seed: 1, positives: 'mood' });
    expect(() => batches.next(0)).toThrow(/no training batch of two pairs can be formed from these 3 training windows: each shares its clip or its track with another class/);
  });
});
