/**
 * The engine's seeded PRNG (mulberry32) with the draws the corpus needs, so a corpus is
 * reproducible from its seed on any machine: Math.random is never used in the corpus.
 */
import { createRng, shuffleInPlace } from '../util/prng';

export { shuffleInPlace };

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  /** A fresh 32-bit seed, for handing to a sub-generator or to ffmpeg. */
  seed(): number;
}

/** Mix two integers into one 32-bit seed (so pair i of seed s gets its own stream). */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export function rng(seed: number): Rng {
  const base = createRng(seed);
  const next = base.next;
  return {
    next,
    int: base.int,
    range: (lo, hi) => lo + (hi - lo) * next(),
    pick: (items) => items[Math.floor(next() * items.length)],
    seed: () => Math.floor(next() * 4294967296) >>> 0,
  };
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
