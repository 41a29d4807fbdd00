import { createRng } from '../util/prng';

/** The engine's mulberry32, so weight init does not depend on TF.js's global random state. */
export const seededRandom = (seed: number): (() => number) => createRng(seed).next;

/** Uniform values in [-limit, limit). */
export function uniformArray(n: number, limit: number, random: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (random() * 2 - 1) * limit;
  return out;
}
