/**
 * Playlists on a combined space against a reference written from the documented rule on plain
 * arrays: the similarity of two tracks is Σ w_k · cos_k over the spaces (weights normalised), a
 * seeds' centroid is taken in each space separately, and each entry's why lists every space's
 * cosine and weight. A changed weight, a missing projection or a why against the wrong reference
 * fails here.
 */
import { describe, expect, it } from 'vitest';
import { CombinedSpace } from '../../../electron/engine/playlist/combined-space';
import { energyCurve } from '../../../electron/engine/playlist/energy-curve';
import { moodPath } from '../../../electron/engine/playlist/mood-path';
import { moreLike } from '../../../electron/engine/playlist/more-like';
import type { TrackVectors } from '../../../electron/engine/similarity/space';
import { rng } from '../search/synthetic';

const unit = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const cos = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));

function space(name: string, ids: number[], rows: number[][]): TrackVectors {
  const dim = rows[0].length;
  const data = new Float32Array(ids.length * dim);
  rows.forEach((r, i) => data.set(unit(r), i * dim));
  return { space: name, trackIds: ids, dim, data, missing: [] };
}

function library(seed: number, n: number): { ids: number[]; a: number[][]; b: number[][]; energy: Map<number, number> } {
  const rand = rng(seed);
  const ids = Array.from({ length: n }, (_, i) => 10 + 3 * i);
  const a = ids.map(() => unit(Array.from({ length: 5 }, () => rand() - 0.5)));
  const b = ids.map(() => unit(Array.from({ length: 7 }, () => rand() - 0.5)));
  const energy = new Map(ids.map((id) => [id, Math.round(rand() * 1000) / 1000]));
  return { ids, a, b, energy };
}

const W = { a: 0.8, b: 0.2 };

describe('CombinedSpace', () => {
  it('a track pair’s dot product is Σ w·cos, and more-like follows the rule with per-space centroids and an exact why', () => {
    const lib = library(21, 30);
    // Weights given unnormalised (4 : 1) must act as 0.8 / 0.2.
    const combined = new CombinedSpace(
      [
        { vectors: space('music', lib.ids, lib.a), weight: 4 },
        { vectors: space('mood:x', lib.ids, lib.b), weight: 1 },
      ],
      (id) => lib.energy.get(id)!,
    );
    const sim = (i: number, j: number): number => W.a * cos(lib.a[i], lib.a[j]) + W.b * cos(lib.b[i], lib.b[j]);
    const v = combined.trackVectors();
    const d = combined.dim;
    let dot = 0;
    for (let x = 0; x < d; x++) dot += v[3 * d + x] * v[17 * d + x];
    expect(dot).toBeCloseTo(sim(3, 17), 5);

    const seeds = [2, 9];
    const centre = (rows: number[][]): number[] => unit(rows[seeds[0]].map((x, k) => x + rows[seeds[1]][k]));
    const [ca, cb] = [centre(lib.a), centre(lib.b)];
    const relevance = (i: number): number => W.a * cos(ca, lib.a[i]) + W.b * cos(cb, lib.b[i]);
    const diversity = 0.3;
    const picked: number[] = [];
    while (picked.length < 6) {
      let best = -1;
      let bestValue = -Infinity;
      for (let i = 0; i < lib.ids.length; i++) {
        if (seeds.includes(i) || picked.includes(i)) continue;
        const red = picked.length ? Math.max(...picked.map((p) => sim(p, i))) : 0;
        const value = (1 - diversity) * relevance(i) - diversity * red;
        if (value > bestValue + 1e-9) [best, bestValue] = [i, value];
      }
      picked.push(best);
    }
    const got = moreLike(combined, seeds.map((i) => lib.ids[i]), 6);
    expect(got.map((e) => e.trackId)).toEqual(picked.map((i) => lib.ids[i]));
    got.forEach((e, n) => {
      const i = picked[n];
      expect(e.score).toBeCloseTo(relevance(i), 5);
      expect(e.why).toHaveLength(2);
      expect(e.why![0]).toMatchObject({ space: 'music' });
      expect(e.why![0].weight).toBeCloseTo(W.a, 9);
      expect(e.why![0].cosine).toBeCloseTo(cos(ca, lib.a[i]), 5);
      expect(e.why![1]).toMatchObject({ space: 'mood:x' });
      expect(e.why![1].weight).toBeCloseTo(W.b, 9);
      expect(e.why![1].cosine).toBeCloseTo(cos(cb, lib.b[i]), 5);
    });
  });

  it('leaves out tracks one space lacks, gives path points and energy picks an exact why, and reads energies by id', () => {
    const lib = library(23, 20);
    const combined = new CombinedSpace(
      [
        { vectors: space('music', lib.ids, lib.a), weight: W.a },
        // The mood space lacks the last track.
        { vectors: space('mood:x', lib.ids.slice(0, -1), lib.b.slice(0, -1)), weight: W.b },
      ],
      (id) => lib.energy.get(id)!,
    );
    expect(combined.trackCount).toBe(19);
    expect(combined.missing).toEqual([lib.ids[19]]);
    expect(combined.slotOf(lib.ids[19])).toBe(-1);
    for (let s = 0; s < combined.trackCount; s++) expect(combined.infoAt(s).summary.energy).toBe(lib.energy.get(combined.idAt(s)));

    for (const e of moodPath(combined, lib.ids[0], lib.ids[5], 6)) {
      expect(e.why!.reduce((s, w) => s + w.weight * w.cosine, 0)).toBeCloseTo(e.score, 5);
    }
    const curve = energyCurve(combined, ['low', 'high'], 5);
    curve.forEach((e, n) => {
      // The why of an energy pick is against the previous pick (itself for the first).
      const i = lib.ids.indexOf(e.trackId);
      const p = n === 0 ? i : lib.ids.indexOf(curve[n - 1].trackId);
      expect(e.why![0].cosine).toBeCloseTo(cos(lib.a[p], lib.a[i]), 5);
      expect(e.why![1].cosine).toBeCloseTo(cos(lib.b[p], lib.b[i]), 5);
      expect(e.score).toBeCloseTo(W.a * cos(lib.a[p], lib.a[i]) + W.b * cos(lib.b[p], lib.b[i]), 5);
    });
  });
});
