import { describe, expect, it } from 'vitest';
import { createRng } from '../../../electron/engine/util/prng';
import { CrossModalBatchSampler, type SegmentPair } from '../../../electron/engine/metric/samplers/cross-modal';
import { PKSampler } from '../../../electron/engine/metric/samplers/pk';

describe('P×K sampler', () => {
  const labels = [...Array.from({ length: 45 }, (_, i) => i % 9), 9, 9];
  const make = (seed: number): PKSampler => new PKSampler(labels, { classesPerBatch: 4, samplesPerClass: 3, seed });

  it('gives P distinct classes × K samples, without repeats when a class is large enough', () => {
    const batches = make(1).epoch();
    expect(batches.length).toBe(Math.floor(labels.length / 12));
    for (const batch of batches) {
      expect(batch.length).toBe(12);
      const counts = new Map<number, number[]>();
      for (const i of batch) counts.set(labels[i], [...(counts.get(labels[i]) ?? []), i]);
      expect(counts.size).toBe(4);
      for (const [c, members] of counts) {
        expect(members.length).toBe(3);
        if (c !== 9) expect(new Set(members).size).toBe(3);
      }
    }
  });

  it('visits every class before repeating one', () => {
    const sampler = make(5);
    const seen = new Set<number>();
    for (let b = 0; b < 2; b++) for (const i of sampler.next()) seen.add(labels[i]);
    expect(seen.size).toBe(8);
    for (const i of sampler.next()) seen.add(labels[i]);
    expect(seen.size).toBe(10);
  });

  it('is deterministic from its seed', () => {
    expect(make(7).epoch()).toEqual(make(7).epoch());
    expect(make(7).epoch()).not.toEqual(make(8).epoch());
  });

  it('rejects P larger than the number of classes', () => {
    expect(() => new PKSampler([0, 1], { classesPerBatch: 3, samplesPerClass: 2, seed: 0 })).toThrow(/classes/);
  });
});

describe('cross-modal batch sampler', () => {
  // Many segments per clip and per track, plus edits whose segments share a group (they are positives).
  function corpus(): SegmentPair[] {
    const rng = createRng(11);
    const pairs: SegmentPair[] = [];
    for (let i = 0; i < 150; i++) pairs.push({ videoSource: `clip${rng.int(40)}`, musicSource: `track${rng.int(50)}` });
    for (let e = 0; e < 10; e++) for (let s = 0; s < 4; s++) pairs.push({ videoSource: `edit${e}`, musicSource: `song${e}`, group: `edit${e}` });
    return pairs;
  }

  it('never holds two segments of one clip or track in a batch unless they are positives', () => {
    const pairs = corpus();
    const sampler = new CrossModalBatchSampler(pairs, { batchSize: 16, seed: 3 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = sampler.epoch();
      const all = batches.flatMap((b) => b.indices).sort((a, b) => a - b);
      expect(all).toEqual(pairs.map((_, i) => i));
      let grouped = 0;
      for (const { indices, labels } of batches) {
        expect(indices.length).toBeLessThanOrEqual(16);
        for (let x = 0; x < indices.length; x++)
          for (let y = x + 1; y < indices.length; y++) {
            const p = pairs[indices[x]];
            const q = pairs[indices[y]];
            const positives = p.group !== undefined && p.group === q.group;
            if (!positives) {
              expect(p.videoSource).not.toBe(q.videoSource);
              expect(p.musicSource).not.toBe(q.musicSource);
            } else grouped++;
            expect(labels[x] === labels[y]).toBe(positives);
          }
      }
      expect(grouped).toBeGreaterThan(0);
    }
  });

  it('is deterministic from its seed and can drop unfilled batches', () => {
    const pairs = corpus();
    const a = new CrossModalBatchSampler(pairs, { batchSize: 16, seed: 9 }).epoch();
    const b = new CrossModalBatchSampler(pairs, { batchSize: 16, seed: 9 }).epoch();
    expect(a).toEqual(b);
    expect(new CrossModalBatchSampler(pairs, { batchSize: 16, seed: 10 }).epoch()).not.toEqual(a);
    const full = new CrossModalBatchSampler(pairs, { batchSize: 16, seed: 9, dropLast: true }).epoch();
    expect(full.length).toBeGreaterThan(0);
    expect(full.every((batch) => batch.indices.length === 16)).toBe(true);
  });
});
