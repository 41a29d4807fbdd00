/**
 * Playlists against naive re-implementations of their documented rules (issue 16): each reference
 * below is written from the doc comment, on plain number arrays (track vectors as the normalised
 * mean of segment rows, quantiles by sorting), so a changed weight, sign, quantile or tie rule in
 * the engine changes the picks or scores and fails here.
 */
import { describe, expect, it } from 'vitest';
import { energyCurve, energyTargets, parseEnergyLevels } from '../../../electron/engine/playlist/energy-curve';
import { moreLike } from '../../../electron/engine/playlist/more-like';
import { similarTracks } from '../../../electron/engine/playlist/similar';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { moodRows, rng, summary, track, unitRows } from '../search/synthetic';

const d = 12;

interface Library {
  store: SegmentStore;
  ids: number[];
  /** Track vector per id: normalised mean of its segment rows, computed here. */
  vec: Map<number, number[]>;
  energy: Map<number, number>;
}

function library(seed: number, n: number): Library {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  const ids: number[] = [];
  const vec = new Map<number, number[]>();
  const energy = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const id = 1000 + 7 * k;
    const rows = moodRows(rand, 3, d, 0.6);
    const e = Math.round(rand() * 1000) / 1000;
    store.addTrack(track(id, rows, d, { summary: summary({ energy: e }) }));
    const mean = Array.from({ length: d }, (_, x) => (rows[x] + rows[d + x] + rows[2 * d + x]) / 3);
    const norm = Math.hypot(...mean);
    ids.push(id);
    vec.set(id, mean.map((v) => v / norm));
    energy.set(id, e);
  }
  return { store, ids, vec, energy };
}

const cos = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);

/** Linear-interpolated quantile of values (q ∈ [0, 1]). */
function quantileOf(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (at - lo) : s[lo];
}

describe('similarTracks against brute force', () => {
  it('returns the k highest cosines to the track, best first, with those cosines as scores', () => {
    const lib = library(3, 30);
    const id = lib.ids[11];
    const truth = lib.ids
      .filter((o) => o !== id)
      .map((o) => ({ trackId: o, score: cos(lib.vec.get(id)!, lib.vec.get(o)!) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 6);
    const got = similarTracks(lib.store, id, 6);
    expect(got.map((e) => e.trackId)).toEqual(truth.map((e) => e.trackId));
    got.forEach((e, i) => expect(e.score).toBeCloseTo(truth[i].score, 5));
  });
});

describe('moreLike against a naive maximal-marginal-relevance pick', () => {
  function reference(lib: Library, seeds: number[], length: number, diversity: number): Array<{ trackId: number; score: number }> {
    const centre = Array.from({ length: d }, (_, x) => seeds.reduce((s, id) => s + lib.vec.get(id)![x], 0));
    const norm = Math.hypot(...centre);
    const c = centre.map((v) => v / norm);
    const picked: number[] = [];
    const out: Array<{ trackId: number; score: number }> = [];
    while (out.length < length) {
      let best = -1;
      let bestValue = -Infinity;
      for (const id of lib.ids) {
        if (seeds.includes(id) || picked.includes(id)) continue;
        const redundancy = picked.length ? Math.max(...picked.map((p) => cos(lib.vec.get(p)!, lib.vec.get(id)!))) : 0;
        const value = (1 - diversity) * cos(c, lib.vec.get(id)!) - diversity * redundancy;
        if (value > bestValue + 1e-9) [best, bestValue] = [id, value];
      }
      picked.push(best);
      out.push({ trackId: best, score: cos(c, lib.vec.get(best)!) });
    }
    return out;
  }

  for (const [seed, diversity] of [
    [5, undefined],
    [7, 0],
    [11, 0.6],
  ] as const) {
    it(`picks what the documented rule picks (seed ${seed}, diversity ${diversity ?? 'default 0.3'})`, () => {
      const lib = library(seed, 40);
      const seeds = [lib.ids[2], lib.ids[17], lib.ids[30]];
      const got = moreLike(lib.store, seeds, 9, diversity === undefined ? {} : { diversity });
      const truth = reference(lib, seeds, 9, diversity ?? 0.3);
      expect(got.map((e) => e.trackId)).toEqual(truth.map((e) => e.trackId));
      got.forEach((e, i) => expect(e.score).toBeCloseTo(truth[i].score, 5));
    });
  }

  it('counts the seeds out of the available tracks and names an unknown seed', () => {
    const lib = library(13, 10);
    expect(moreLike(lib.store, [lib.ids[0], lib.ids[1]], 8)).toHaveLength(8);
    expect(() => moreLike(lib.store, [lib.ids[0], lib.ids[1]], 9)).toThrow(/exceeds the 8 tracks available/);
    expect(() => moreLike(lib.store, [42], 3)).toThrow(/track 42 is not in the library/);
    expect(() => moreLike(lib.store, [lib.ids[0]], 0)).toThrow(/positive integer/);
    expect(() => moreLike(lib.store, [lib.ids[0]], 2.5)).toThrow(/positive integer/);
  });
});

describe('energyCurve against brute force', () => {
  /** Every way to put `length` distinct ids at the positions, in order. */
  function* arrangements(ids: number[], length: number, prefix: number[] = []): Generator<number[]> {
    if (prefix.length === length) yield prefix;
    else for (const id of ids) if (!prefix.includes(id)) yield* arrangements(ids, length, [...prefix, id]);
  }
  const missOf = (lib: Library, picks: number[], targets: number[]): number => picks.reduce((sum, id, k) => sum + Math.abs(lib.energy.get(id)! - targets[k]), 0);
  /** The least total |energy − target| over all arrangements (≤ 7 tracks: at most 5040). */
  function leastMiss(lib: Library, targets: number[]): number {
    let least = Infinity;
    for (const picks of arrangements(lib.ids, targets.length)) least = Math.min(least, missOf(lib, picks, targets));
    return least;
  }
  /** The old rule, kept as a bound: at each position the unused track nearest the target. */
  function greedyMiss(lib: Library, targets: number[]): number {
    const left = new Set(lib.ids);
    return targets.reduce((sum, t) => {
      const best = [...left].reduce((a, b) => (Math.abs(lib.energy.get(b)! - t) < Math.abs(lib.energy.get(a)! - t) ? b : a));
      left.delete(best);
      return sum + Math.abs(lib.energy.get(best)! - t);
    }, 0);
  }

  it('puts a high track where the curve is high when the curve takes the whole library (review T2)', () => {
    // Hand-made energies; the curve rises to its peak then falls, and takes all 7 tracks. Greedy
    // gave the early positions the tracks nearest them and the last (low) position the loudest leftover.
    const store = new SegmentStore(d);
    const energies = [0.1, 0.3, 0.4, 0.45, 0.55, 0.6, 0.95];
    energies.forEach((e, k) => store.addTrack(track(k + 1, unitRows(rng(k + 5), 1, d), d, { summary: summary({ energy: e }) })));
    const lib: Library = { store, ids: energies.map((_, k) => k + 1), vec: new Map(), energy: new Map(energies.map((e, k) => [k + 1, e])) };
    const got = energyCurve(store, parseEnergyLevels('0.2,0.4,0.7,0.9,0.6,0.3'), 7);
    const targets = got.map((e) => e.target);
    expect(missOf(lib, got.map((e) => e.trackId), targets)).toBeCloseTo(leastMiss(lib, targets), 9);
    // The loudest track sits at the highest target.
    expect(got[targets.indexOf(Math.max(...targets))].energy).toBe(0.95);
  });

  for (const [seed, length, curve] of [
    [31, 7, 'low,high,low'],
    [37, 5, '0.2,0.4,0.7,0.9,0.6,0.3'],
    [41, 6, 'high,low,mid'],
    [43, 4, 'mid'],
    [47, 7, '1,0,1'],
  ] as const) {
    it(`reaches the least total miss over every arrangement (seed ${seed}, ${length} of 7, ${curve})`, () => {
      const lib = library(seed, 7);
      const got = energyCurve(lib.store, parseEnergyLevels(curve), length);
      const picks = got.map((e) => e.trackId);
      expect(new Set(picks).size).toBe(length);
      const targets = got.map((e) => e.target);
      expect(missOf(lib, picks, targets)).toBeCloseTo(leastMiss(lib, targets), 9);
      got.forEach((e, k) => {
        expect(e.energy).toBe(lib.energy.get(e.trackId));
        expect(e.score).toBeCloseTo(k === 0 ? 1 : cos(lib.vec.get(picks[k - 1])!, lib.vec.get(e.trackId)!), 5);
      });
    });
  }

  for (const [seed, coherence] of [
    [17, undefined],
    [19, 2],
    [23, 0],
  ] as const) {
    it(`targets library quantiles and misses no more than the slot-by-slot pick (seed ${seed}, coherence ${coherence ?? 'default 0.1'})`, () => {
      const lib = library(seed, 36);
      const levels = parseEnergyLevels('low,high,0.3,mid');
      const energies = lib.ids.map((id) => lib.energy.get(id)!);
      const length = 10;
      // Levels at positions 0, 3, 6, 9: quantiles 0.15, 0.85, 0.3, 0.5, linear in between.
      const anchors = [0.15, 0.85, 0.3, 0.5].map((q) => quantileOf(energies, q));
      const targets = Array.from({ length }, (_, s) => {
        const u = s / 3;
        const i = Math.min(2, Math.floor(u));
        return anchors[i] + (anchors[i + 1] - anchors[i]) * (u - i);
      });
      const got = energyCurve(lib.store, levels, length, coherence === undefined ? {} : { coherence });
      got.forEach((e, s) => expect(e.target).toBeCloseTo(targets[s], 9));
      const picks = got.map((e) => e.trackId);
      expect(new Set(picks).size).toBe(length);
      expect(missOf(lib, picks, targets)).toBeLessThanOrEqual(greedyMiss(lib, targets) + 1e-9);
      got.forEach((e, k) => expect(e.score).toBeCloseTo(k === 0 ? 1 : cos(lib.vec.get(picks[k - 1])!, lib.vec.get(e.trackId)!), 5));
    });
  }

  it('coherence breaks a tie in energy towards the previous pick’s mood', () => {
    // Energies 0, 0.45, 0.55, 1: the median is 0.5, equally far from 0.45 (mood opposite to the first
    // pick) and 0.55 (the first pick's mood). Continuity must choose 0.55; without it the tie goes to
    // the track added first.
    const store = new SegmentStore(d);
    const mood = (sign: number): Float32Array => Float32Array.from({ length: d }, (_, x) => (x === 0 ? sign : x === 1 ? 0.2 : 0) / Math.hypot(1, 0.2));
    store.addTrack(track(1, mood(1), d, { summary: summary({ energy: 0 }) }));
    store.addTrack(track(2, mood(-1), d, { summary: summary({ energy: 0.45 }) }));
    store.addTrack(track(3, mood(1), d, { summary: summary({ energy: 0.55 }) }));
    store.addTrack(track(4, mood(-1), d, { summary: summary({ energy: 1 }) }));
    const curve = energyCurve(store, [0, 0.5], 2);
    expect(curve.map((e) => [e.trackId, e.target])).toEqual([
      [1, 0],
      [3, 0.5],
    ]);
    expect(curve[1].score).toBeCloseTo(1, 5);
    expect(energyCurve(store, [0, 0.5], 2, { coherence: 0 }).map((e) => e.trackId)).toEqual([1, 2]);
  });

  it('keeps one level flat, and length 1 is the first level', () => {
    expect(energyTargets([0, 1, 2, 3, 4], ['mid'], 4)).toEqual([2, 2, 2, 2]);
    const [only] = energyTargets([0, 1, 2, 3, 4], ['low', 'high'], 1);
    expect(only).toBeCloseTo(0.6, 12);
    expect(energyTargets([0, 1, 2, 3, 4], [1, 0], 3)).toEqual([4, 2, 0]);
    expect(() => energyTargets([1], [], 3)).toThrow(/at least one level/);
  });

  it('parses names in any case and numbers in [0, 1], naming a bad word', () => {
    expect(parseEnergyLevels(' HIGH ,0,1, 0.25')).toEqual(['high', 0, 1, 0.25]);
    for (const bad of ['1.01', '-0.1', 'loud', '', 'low,,high', 'NaN', 'Infinity']) {
      expect(() => parseEnergyLevels(bad), bad).toThrow(/is not low, mid, high or a number in \[0, 1\]/);
    }
  });
});
