import { describe, expect, it } from 'vitest';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { gatherCrops, TrackCropSampler } from '../../../electron/engine/similarity/crops';

/** Every value names where it came from: track · 10 000 + step (D = 2, both columns alike). */
function codedTrack(track: number, T: number): FeatureSeq {
  const data = new Float32Array(T * 2);
  for (let t = 0; t < T; t++) data.fill(track * 10_000 + t, t * 2, t * 2 + 2);
  return { names: ['a', 'b'], data, T, D: 2, step: 0.5, spec: 's', start: 0 };
}

describe('self-supervised crop sampler', () => {
  const lengths = [40, 12, 100, 33, 64, 20, 50, 8, 70, 45];
  const seqs = lengths.map((T, i) => codedTrack(i, T));
  const W = 16;

  it('positives (equal labels) are always crops of one track, and each batch holds P tracks × K crops', () => {
    const sampler = new TrackCropSampler(lengths, { tracksPerBatch: 4, cropsPerTrack: 3, window: W, seed: 3 });
    for (let b = 0; b < 40; b++) {
      const batch = sampler.next();
      const x = gatherCrops(seqs, batch, W);
      expect(batch.labels.length).toBe(12);
      const counts = new Map<number, number>();
      for (const l of batch.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      expect([...counts.values()]).toEqual([3, 3, 3, 3]);
      // Where each row's data really came from, read off the values.
      const source = Array.from(batch.labels, (_, row) => Math.floor(x[row * W * 2] / 10_000));
      for (let i = 0; i < source.length; i++) {
        // The label is the index of the track the crop was cut from.
        expect(source[i]).toBe(batch.labels[i]);
        for (let j = 0; j < source.length; j++) {
          if (batch.labels[i] === batch.labels[j]) expect(source[i]).toBe(source[j]);
          else expect(source[i]).not.toBe(source[j]);
        }
        // The whole crop is one track's consecutive steps (held last row when the track is short).
        const track = source[i];
        for (let t = 0; t < W; t++) {
          const v = x[(i * W + t) * 2];
          expect(Math.floor(v / 10_000)).toBe(track);
          expect(v % 10_000).toBe(Math.min(batch.starts[i] + t, lengths[track] - 1));
        }
      }
    }
  });

  it('with groups (mutual neighbours), positives are crops of tracks of one group and nothing else', () => {
    const groups = Int32Array.from([0, 0, 1, 2, 2, 3, 4, 5, 6, 7]);
    const sampler = new TrackCropSampler(lengths, { tracksPerBatch: 4, cropsPerTrack: 2, window: W, seed: 4 }, groups);
    for (let b = 0; b < 40; b++) {
      const batch = sampler.next();
      const x = gatherCrops(seqs, batch, W);
      const source = Array.from(batch.tracks, (_, row) => Math.floor(x[row * W * 2] / 10_000));
      expect(source).toEqual(Array.from(batch.tracks));
      batch.labels.forEach((l, i) => expect(groups[source[i]]).toBe(l));
      expect(new Set(batch.labels).size).toBe(4);
    }
  });

  it('crops start anywhere a full window fits', () => {
    const sampler = new TrackCropSampler(lengths, { tracksPerBatch: 10, cropsPerTrack: 2, window: W, seed: 9 });
    const seen = new Map<number, Set<number>>();
    for (let b = 0; b < 300; b++) {
      const batch = sampler.next();
      batch.labels.forEach((l, i) => {
        expect(batch.starts[i]).toBeGreaterThanOrEqual(0);
        expect(batch.starts[i]).toBeLessThanOrEqual(Math.max(0, lengths[l] - W));
        if (!seen.has(l)) seen.set(l, new Set());
        seen.get(l)!.add(batch.starts[i]);
      });
    }
    expect(seen.get(2)!.size).toBeGreaterThan(50); // 85 possible starts
    expect([...seen.get(7)!]).toEqual([0]); // shorter than a window
  });

  it('refuses fewer than 2 crops per track or fewer tracks than a batch needs', () => {
    expect(() => new TrackCropSampler(lengths, { tracksPerBatch: 4, cropsPerTrack: 1, window: W, seed: 1 })).toThrow(/≥ 2/);
    expect(() => new TrackCropSampler([10, 10], { tracksPerBatch: 4, cropsPerTrack: 2, window: W, seed: 1 })).toThrow(/at least 4 tracks/);
  });
});
