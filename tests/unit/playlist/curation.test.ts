import { describe, expect, it } from 'vitest';
import { energyCurve, energyTargets, parseEnergyLevels } from '../../../electron/engine/playlist/energy-curve';
import { moodPath } from '../../../electron/engine/playlist/mood-path';
import { moreLike } from '../../../electron/engine/playlist/more-like';
import { similarTracks } from '../../../electron/engine/playlist/similar';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { moodRows, rng, summary, track, unitRows } from '../search/synthetic';

const d = 32;

/** A one-segment track whose track vector is exactly `v` (normalised). */
function add(store: SegmentStore, id: number, v: number[], energy = 0.5): void {
  const row = Float32Array.from({ length: d }, (_, i) => v[i] ?? 0);
  const norm = Math.hypot(...row);
  store.addTrack(track(id, row.map((x) => x / norm), d, { summary: summary({ energy }) }));
}

const axis = (i: number, scale = 1): number[] => Array.from({ length: d }, (_, x) => (x === i ? scale : 0));
const sum = (...vs: number[][]): number[] => vs[0].map((_, i) => vs.reduce((s, v) => s + v[i], 0));

/** Three clusters of 10 tracks: ids 100–109, 200–209, 300–309. */
function clustered(seed: number): SegmentStore {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  for (const base of [100, 200, 300]) {
    const centre = Array.from(unitRows(rand, 1, d));
    for (let k = 0; k < 10; k++) {
      const noise = Array.from(unitRows(rand, 1, d)).map((x) => 0.5 * x);
      add(store, base + k, sum(centre, noise));
    }
  }
  return store;
}

describe('similarTracks', () => {
  it('returns the nearest tracks by track vector, never the track itself', () => {
    const store = clustered(41);
    const similar = similarTracks(store, 204, 9);
    expect(similar).toHaveLength(9);
    expect(similar.map((e) => e.trackId).sort()).toEqual([200, 201, 202, 203, 205, 206, 207, 208, 209]);
    expect(similar[0].score).toBeGreaterThanOrEqual(similar[8].score);
    expect(() => similarTracks(store, 999, 3)).toThrow(/not in the library/);
  });
});

describe('moreLike', () => {
  it('stays in the seeds’ cluster, leaves the seeds out and never repeats', () => {
    const store = clustered(43);
    const list = moreLike(store, [301, 305], 8).map((e) => e.trackId);
    expect(new Set(list).size).toBe(8);
    expect(list).not.toContain(301);
    expect(list).not.toContain(305);
    expect(list.every((id) => id >= 300 && id < 310)).toBe(true);
  });

  it('trades closeness for diversity: near-copies of one track are not all picked', () => {
    const store = new SegmentStore(d);
    add(store, 1, axis(0));
    // Four near-copies at cos 0.95 to the seed, and four distinct tracks at cos 0.9.
    for (let k = 0; k < 4; k++) add(store, 10 + k, sum(axis(0, 0.95), axis(1, 0.312), axis(20 + k, 0.001)));
    for (let k = 0; k < 4; k++) add(store, 20 + k, sum(axis(0, 0.9), axis(2 + k, 0.436)));
    const closest = moreLike(store, [1], 3, { diversity: 0 }).map((e) => e.trackId);
    expect(closest.every((id) => id >= 10 && id < 14)).toBe(true);
    const diverse = moreLike(store, [1], 3, { diversity: 0.5 }).map((e) => e.trackId);
    expect(diverse.filter((id) => id >= 10 && id < 14)).toHaveLength(1);
  });
});

describe('moodPath', () => {
  it('walks the tracks planted along the arc between the two ends, in order', () => {
    const rand = rng(47);
    const store = new SegmentStore(d);
    const length = 7;
    const arc = Array.from({ length: length - 2 }, (_, k) => {
      const angle = ((k + 1) / (length - 1)) * (Math.PI / 2);
      return sum(axis(0, Math.cos(angle)), axis(1, Math.sin(angle)), axis(2, 0.1));
    });
    // Insert the arc shuffled among random distractors so order of insertion gives nothing away.
    const ids = [3, 0, 4, 2, 1];
    add(store, 1000, axis(0));
    for (let k = 0; k < 40; k++) add(store, 500 + k, Array.from(unitRows(rand, 1, d)));
    for (const k of ids) add(store, 10 + k, arc[k]);
    add(store, 2000, axis(1));
    const path = moodPath(store, 1000, 2000, length).map((e) => e.trackId);
    expect(path).toEqual([1000, 10, 11, 12, 13, 14, 2000]);
  });

  it('has its two ends, no repeats, and steps closer than a random order', () => {
    const rand = rng(53);
    const store = new SegmentStore(d);
    for (let id = 0; id < 60; id++) store.addTrack(track(id, moodRows(rand, 3, d, 3), d));
    const path = moodPath(store, 7, 42, 12).map((e) => e.trackId);
    expect(path[0]).toBe(7);
    expect(path[11]).toBe(42);
    expect(new Set(path).size).toBe(12);
    const stepCos = (ids: number[]): number => {
      let s = 0;
      for (let i = 1; i < ids.length; i++) {
        const a = store.trackVector(ids[i - 1]);
        const b = store.trackVector(ids[i]);
        s += a.reduce((acc, x, k) => acc + x * b[k], 0);
      }
      return s / (ids.length - 1);
    };
    const shuffled = [7, ...path.slice(1, 11).sort(() => rand() - 0.5), 42];
    const random = [7, ...Array.from({ length: 10 }, (_, i) => (i * 5 + 1) % 60).filter((id) => id !== 7 && id !== 42), 42];
    expect(stepCos(path)).toBeGreaterThan(stepCos(random));
    expect(stepCos(path)).toBeGreaterThanOrEqual(stepCos(shuffled) - 1e-6);
    expect(() => moodPath(store, 7, 7, 5)).toThrow(/two different/);
    expect(() => moodPath(store, 7, 42, 61)).toThrow(/exceeds/);
  });
});

describe('energy curve', () => {
  it('turns levels into library quantiles, interpolated over the positions', () => {
    const energies = Array.from({ length: 11 }, (_, i) => i / 10);
    const targets = energyTargets(energies, ['low', 'high'], 3);
    expect(targets[0]).toBeCloseTo(0.15, 9);
    expect(targets[1]).toBeCloseTo(0.5, 9);
    expect(targets[2]).toBeCloseTo(0.85, 9);
    expect(parseEnergyLevels('low, MID,high,0.3')).toEqual(['low', 'mid', 'high', 0.3]);
    expect(() => parseEnergyLevels('low,loud')).toThrow(/"loud"/);
  });

  it('follows the curve without repeats', () => {
    const rand = rng(59);
    const store = new SegmentStore(d);
    // Energies 0, 0.02, …, 0.98 on tracks in random order.
    const order = Array.from({ length: 50 }, (_, i) => i).sort(() => rand() - 0.5);
    for (const i of order) store.addTrack(track(i, unitRows(rand, 2, d), d, { summary: summary({ energy: i / 50 }) }));
    const list = energyCurve(store, parseEnergyLevels('low,high,low'), 9);
    expect(new Set(list.map((e) => e.trackId)).size).toBe(9);
    for (const e of list) expect(Math.abs(e.energy - e.target)).toBeLessThan(0.1);
    const energy = list.map((e) => e.energy);
    expect(energy[4]).toBeGreaterThan(energy[0] + 0.5);
    expect(energy[4]).toBeGreaterThan(energy[8] + 0.5);
    for (let i = 1; i <= 4; i++) expect(energy[i]).toBeGreaterThan(energy[i - 1] - 0.05);
  });
});
