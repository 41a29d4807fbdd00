/**
 * Mood paths against truths the test computes itself (issue 16): a planted two-lane library where
 * only the continuity term keeps the path in one lane, smoothness measured as "no reversal of an
 * interior run shortens the path" with the test's own distance, and scores against path points
 * built by rotation in the a–b plane (not the code's sine weights).
 */
import { describe, expect, it } from 'vitest';
import { moodPath, slerp } from '../../../electron/engine/playlist/mood-path';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { moodRows, rng, track } from '../search/synthetic';

const d = 16;

const unit = (v: number[]): Float32Array => {
  const norm = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / norm);
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const basis = (weights: Record<number, number>): number[] => Array.from({ length: d }, (_, i) => weights[i] ?? 0);

/** The point at fraction t of the way from unit a to unit b, by rotating a towards b's orthogonal part. */
function rotationPoint(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const cosAB = dot(a, b);
  const orth = unit(Array.from(b, (x, i) => x - cosAB * a[i]));
  const angle = t * Math.acos(cosAB);
  return Float32Array.from(a, (x, i) => Math.cos(angle) * x + Math.sin(angle) * orth[i]);
}

/** Path length as Σ(1 − cos) over neighbours: the smoothness measure. */
function pathLength(vectors: Float32Array[]): number {
  let s = 0;
  for (let i = 1; i < vectors.length; i++) s += 1 - dot(vectors[i - 1], vectors[i]);
  return s;
}

describe('moodPath continuity', () => {
  // Ends e0 → e1; at each interior step s two candidates sit off the arc: lane A towards e2, lane B
  // towards e3. Which lane is nearer the path point alternates, so picking by the point alone
  // zig-zags A, B, A, …; the continuity term (default weight 0.3) must keep one lane throughout.
  const length = 7;
  function twoLanes(): { store: SegmentStore; laneA: number[]; laneB: number[] } {
    const store = new SegmentStore(d);
    store.addTrack(track(1, unit(basis({ 0: 1 })), d));
    store.addTrack(track(2, unit(basis({ 1: 1 })), d));
    const laneA: number[] = [];
    const laneB: number[] = [];
    for (let s = 1; s < length - 1; s++) {
      const angle = (s / (length - 1)) * (Math.PI / 2);
      const [hA, hB] = s % 2 === 1 ? [0.3, 0.38] : [0.38, 0.3];
      store.addTrack(track(100 + s, unit(basis({ 0: Math.cos(angle), 1: Math.sin(angle), 2: hA })), d));
      store.addTrack(track(200 + s, unit(basis({ 0: Math.cos(angle), 1: Math.sin(angle), 3: hB })), d));
      laneA.push(100 + s);
      laneB.push(200 + s);
    }
    return { store, laneA, laneB };
  }

  it('stays in one lane instead of zig-zagging to whichever track is nearest each point', () => {
    const { store, laneA } = twoLanes();
    const path = moodPath(store, 1, 2, length).map((e) => e.trackId);
    // Lane A is nearer the first point, so the path starts in it and must stay there.
    expect(path).toEqual([1, ...laneA, 2]);
    const inLane = [1, ...laneA, 2].map((id) => store.trackVector(id));
    expect(pathLength(path.map((id) => store.trackVector(id)))).toBeCloseTo(pathLength(inLane), 9);
  });

  it('zig-zags with continuity 0 or 0.2: the lane test above depends on the continuity weight', () => {
    // Offsets 0.30/0.38 put the switch between weights 0.2 and 0.25: a weight of 0.3 keeps the lane
    // by a margin, and a rule that weighs the point by (1 + c) instead of (1 − c) acts like 0.19.
    const { store, laneA, laneB } = twoLanes();
    for (const continuity of [0, 0.2]) {
      const picks = moodPath(store, 1, 2, length, { continuity }).map((e) => e.trackId).slice(1, -1);
      // Without enough continuity the nearest track to each point is taken: alternately lane A and lane B.
      expect(new Set(picks)).toEqual(new Set(laneA.map((id, k) => (k % 2 === 0 ? id : laneB[k]))));
    }
  });

  it('has at least its two ends: length 2 is the ends alone, length 1 a usage error', () => {
    const { store } = twoLanes();
    expect(moodPath(store, 1, 2, 2).map((e) => e.trackId)).toEqual([1, 2]);
    expect(() => moodPath(store, 1, 2, 1)).toThrow(/at least 2 tracks \(its two ends\)/);
  });
});

describe('moodPath smoothness and scores', () => {
  for (const seed of [53, 61, 67, 71]) {
    it(`leaves no interior reversal that would shorten the path (seed ${seed})`, () => {
      const rand = rng(seed);
      const store = new SegmentStore(d);
      for (let id = 0; id < 80; id++) store.addTrack(track(id, moodRows(rand, 2, d, 4), d));
      const length = 12;
      const path = moodPath(store, 3, 50, length);
      const ids = path.map((e) => e.trackId);
      expect(ids[0]).toBe(3);
      expect(ids[length - 1]).toBe(50);
      expect(new Set(ids).size).toBe(length);
      const vectors = ids.map((id) => store.trackVector(id));
      const base = pathLength(vectors);
      for (let i = 1; i < length - 2; i++) {
        for (let j = i + 1; j < length - 1; j++) {
          const reversed = [...vectors.slice(0, i), ...vectors.slice(i, j + 1).reverse(), ...vectors.slice(j + 1)];
          expect(pathLength(reversed), `reversing ${i}..${j}`).toBeGreaterThanOrEqual(base - 1e-6);
        }
      }
      // score = cosine to the path point at the entry's position, points found by rotation.
      const a = store.trackVector(3);
      const b = store.trackVector(50);
      path.forEach((e, s) => {
        expect(e.score).toBeCloseTo(dot(store.trackVector(e.trackId), rotationPoint(a, b, s / (length - 1))), 4);
      });
    });
  }
});

describe('slerp', () => {
  it('lies on the great circle at the fraction of the angle, unit length', () => {
    const a = unit(basis({ 0: 1, 4: 0.2 }));
    const b = unit(basis({ 1: 1, 5: -0.7, 4: 0.1 }));
    for (const t of [0, 0.2, 0.5, 0.9, 1]) {
      const p = slerp(a, b, t);
      const truth = rotationPoint(a, b, t);
      for (let i = 0; i < d; i++) expect(p[i]).toBeCloseTo(truth[i], 5);
    }
  });

  it('interpolates nearly parallel vectors without dividing by a vanishing sine', () => {
    const a = unit(basis({ 0: 1 }));
    const b = unit(basis({ 0: 1, 1: 1e-6 }));
    const p = slerp(a, b, 0.5);
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...p)).toBeCloseTo(1, 6);
    // Halfway by linear interpolation: the off-axis part is half of b's.
    expect(p[1] / b[1]).toBeCloseTo(0.5, 3);
  });
});
