/**
 * The incremental smoothMood (review R2.10) must give the playlist the old full-resum one gave:
 * seeded random libraries, curves and lengths (many with tied energies and repeated or
 * grid-valued vectors, so moves tie to the bit) against the old code kept in
 * energy-curve-reference.ts.
 */
import { describe, expect, it } from 'vitest';
import { energyCurve, smoothMood, type EnergyLevel } from '../../../electron/engine/playlist/energy-curve';
import type { TrackPool } from '../../../electron/engine/playlist/pool';
import { dotRows } from '../../../electron/engine/search/kernels';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, summary, track, unitRows } from '../search/synthetic';
import { referenceEnergyCurve, referenceSmoothMood } from './energy-curve-reference';

/** A library made to tie: `kind` 0 = continuous, 1 = energies on a few levels, 2 = vectors repeated or on a grid too. */
function library(rand: () => number, n: number, d: number, kind: number): { vectors: Float32Array; energies: number[] } {
  const vectors = unitRows(rand, n, d);
  const levels = 2 + Math.floor(rand() * 5);
  const energies = Array.from({ length: n }, () => (kind === 0 ? rand() : Math.floor(rand() * levels) / levels));
  if (kind === 2) {
    for (let s = 0; s < n; s++) {
      const row = vectors.subarray(s * d, (s + 1) * d);
      if (s > 0 && rand() < 0.4) {
        // An exact copy of an earlier track's vector: its cosines tie with that track's.
        const from = Math.floor(rand() * s);
        row.set(vectors.subarray(from * d, (from + 1) * d));
      } else if (rand() < 0.5) {
        // An axis or minus an axis: many cosines are exactly 0, 1 or −1.
        row.fill(0);
        row[Math.floor(rand() * d)] = rand() < 0.5 ? 1 : -1;
      }
    }
  }
  return { vectors, energies };
}

function storeOf(vectors: Float32Array, energies: number[], d: number): SegmentStore {
  const store = new SegmentStore(d);
  energies.forEach((energy, s) => store.addTrack(track(1000 + s, vectors.slice(s * d, (s + 1) * d), d, { summary: summary({ energy }) })));
  return store;
}

function randomLevels(rand: () => number): EnergyLevel[] {
  const names: EnergyLevel[] = ['low', 'mid', 'high'];
  return Array.from({ length: 1 + Math.floor(rand() * 4) }, () => (rand() < 0.5 ? names[Math.floor(rand() * 3)] : Math.floor(rand() * 5) / 4));
}

describe('smoothMood (incremental) gives what the full re-sum gave', () => {
  it('same playlists as the reference over 300 random libraries, curves and lengths', () => {
    const rand = rng(2010);
    let moved = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(rand() * 45);
      const d = 2 + Math.floor(rand() * 6);
      const { vectors, energies } = library(rand, n, d, trial % 3);
      const store = storeOf(vectors, energies, d);
      const levels = randomLevels(rand);
      const length = 1 + Math.floor(rand() * Math.min(n, 24));
      // Some with a pool that leaves tracks out (every fourth), some asking for more than there is.
      const pool: TrackPool | undefined = trial % 4 === 1 ? { offered: (id) => id % 4 !== 0, content: (id) => `#${id}` } : undefined;
      const asked = trial % 5 === 2 ? n + 3 : length;
      const run = (build: typeof energyCurve) => build(store, levels, asked, { pool, atMost: true });
      const want = run(referenceEnergyCurve);
      const got = run(energyCurve);
      expect(got, `trial ${trial}: n ${n}, d ${d}, levels ${levels.join(',')}, length ${asked}`).toEqual(want);
      const plain = referenceEnergyCurve(store, levels, asked, { pool, atMost: true, coherence: 0 });
      if (plain.some((e, k) => e.trackId !== want[k].trackId)) moved++;
    }
    // The comparison is worth something only if mood smoothing changed many of the lists.
    expect(moved).toBeGreaterThan(100);
  });

  it('same moves from arbitrary starting picks, including tied misses and tied cosines', () => {
    const rand = rng(2011);
    for (let trial = 0; trial < 400; trial++) {
      const n = 2 + Math.floor(rand() * 40);
      const d = 2 + Math.floor(rand() * 5);
      const { vectors, energies } = library(rand, n, d, 1 + (trial % 2));
      const offered = Uint8Array.from({ length: n }, () => (rand() < 0.85 ? 1 : 0));
      const slots = [...offered.keys()].filter((s) => offered[s]).sort(() => rand() - 0.5);
      if (slots.length === 0) continue;
      const L = 1 + Math.floor(rand() * Math.min(slots.length, 20));
      const picks = slots.slice(0, L);
      // Targets on the energies' own grid: many swaps and replacements keep the miss to the bit.
      const targets = Array.from({ length: L }, (_, k) => (rand() < 0.7 ? energies[picks[(k + 1) % L]] : rand()));
      const cosine = (a: number, b: number): number => dotRows(vectors, a, vectors, b, d);
      const want = [...picks];
      referenceSmoothMood(want, energies, targets, offered, cosine);
      const got = [...picks];
      smoothMood(got, energies, targets, offered, cosine);
      expect(got, `trial ${trial}: picks ${picks.join(',')}`).toEqual(want);
    }
  });

  it('takes a replacement whose miss lands on the limit to within rounding exactly when the full sum allows it', () => {
    const rand = rng(2013);
    let taken = 0;
    for (let trial = 0; trial < 3000; trial++) {
      // Tracks 0, 1, 2 picked; track 3 shares the mood of 0 and 2 (1 does not), so replacing 1 is the
      // one move that helps, and its energy is 1e-9 (the miss's allowance) plus a few ulps above 1's.
      const e1 = 0.5 + 0.4 * rand();
      const energies = [rand(), e1, rand(), e1 + 1e-9 + (Math.floor(rand() * 13) - 6) * 2 ** -53];
      const targets = [rand(), e1 - 0.3 * rand(), rand()];
      const apart = (a: number, b: number): boolean => (a === 1) !== (b === 1);
      const cosine = (a: number, b: number): number => (apart(a, b) ? 0 : 1);
      const offered = [1, 1, 1, 1];
      const want = [0, 1, 2];
      referenceSmoothMood(want, energies, targets, offered, cosine);
      const got = [0, 1, 2];
      smoothMood(got, energies, targets, offered, cosine);
      expect(got, `trial ${trial}: energies ${energies.join(',')}, targets ${targets.join(',')}`).toEqual(want);
      if (want[1] === 3) taken++;
    }
    // Both outcomes occur: the limit really is at the rounding.
    expect(taken).toBeGreaterThan(300);
    expect(taken).toBeLessThan(2700);
  });

  it('computes each cosine once, not once per candidate and position (L = 40 of 300 tracks)', () => {
    const rand = rng(2012);
    const n = 300;
    const d = 16;
    const { vectors, energies } = library(rand, n, d, 1);
    const offered = new Uint8Array(n).fill(1);
    const L = 40;
    const picks = Array.from({ length: L }, (_, k) => k);
    const targets = picks.map((s) => energies[s]);
    let calls = 0;
    const cosine = (a: number, b: number): number => {
      calls++;
      return dotRows(vectors, a, vectors, b, d);
    };
    smoothMood(picks, energies, targets, offered, cosine);
    // Every cosine a move can need is between two tracks, one of them picked at some time: far below
    // the old re-sum's L per candidate (about 10⁷ calls here).
    expect(calls).toBeLessThanOrEqual(n * L * 2);
  });
});
