// estimateTempo and trackBeats against their specifications, written out a second time as
// plainly as they read (the comb of the descriptor spec; Ellis 2007 as in librosa's beat_track,
// with this project's last-beat and trim rules) and run on seeded envelopes (tests/helpers/
// tempo-spec.ts): pulse trains 40–240 BPM at random phases, with noise, a drifting tempo, silence
// around or instead of the music, and short ones. The design parameters no behavioural
// truth pins (the Gaussian's width and reach, the std that scales the local score, tightness 100,
// where the back-trace starts, the trim threshold) must all be as specified: any change moves
// some beat on some of these envelopes.
import { describe, expect, it } from 'vitest';
import { estimateTempo, trackBeats } from '../../../electron/engine/features/tempo';
import { createRng } from '../../../electron/engine/util/prng';
import { envelopeOf, kinds, pulses, RATE, referenceComb } from '../../helpers/tempo-spec';

/** The specification, one step at a time, with no shortcut. */
function referenceBeats(env: Float64Array, rate: number, bpm: number): number[] {
  const n = env.length;
  const P = (60 * rate) / bpm;
  if (n < 2 || !(P > 0) || !Number.isFinite(P)) return [];
  // Local score: env / std(env) (1 for a flat envelope), smoothed by a Gaussian of σ = P/32
  // reaching max(1, ⌈4σ⌉) frames each side; frames outside the envelope count as 0.
  const mean = env.reduce((a, v) => a + v, 0) / n;
  const std = Math.sqrt(env.reduce((a, v) => a + (v - mean) ** 2, 0) / n) || 1;
  const sigma = P / 32;
  const reach = Math.max(1, Math.ceil(4 * sigma));
  const local: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i - reach; j <= i + reach; j++) {
      const weight = Math.exp(-0.5 * ((j - i) / sigma) ** 2);
      s += weight * ((j >= 0 && j < n ? env[j] : 0) / std);
    }
    local.push(s);
  }
  // Cumulative score: the best predecessor round(P/2)…round(2P) frames back, less 100·ln²(gap/P);
  // the shortest gap wins ties; none (too early): the local score alone.
  const cum: number[] = [];
  const back: number[] = [];
  for (let i = 0; i < n; i++) {
    let best: number | undefined;
    let from = -1;
    for (let gap = Math.round(P / 2); gap <= Math.round(2 * P); gap++) {
      if (i - gap < 0) break;
      const v = cum[i - gap] - 100 * Math.log(gap / P) ** 2;
      if (best === undefined || v > best) {
        best = v;
        from = i - gap;
      }
    }
    cum.push(local[i] + (best ?? 0));
    back.push(from);
  }
  // Start of the back-trace: the last interior local maximum of cum (> left, ≥ right) whose value
  // is at least half the upper median of all of them; if none is, the last one.
  const maxima: number[] = [];
  for (let i = 1; i < n - 1; i++) if (cum[i] > cum[i - 1] && cum[i] >= cum[i + 1]) maxima.push(i);
  if (maxima.length === 0) return [];
  const values = maxima.map((i) => cum[i]).sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)];
  const passing = maxima.filter((i) => cum[i] >= 0.5 * median);
  let frame = passing.length > 0 ? passing[passing.length - 1] : maxima[maxima.length - 1];
  const beats: number[] = [];
  while (frame >= 0) {
    beats.unshift(frame);
    frame = back[frame];
  }
  // Trim: drop leading and trailing beats whose local score is under half the rms of the beats'.
  const rms = Math.sqrt(beats.reduce((a, b) => a + local[b] ** 2, 0) / beats.length);
  while (beats.length > 0 && local[beats[0]] < 0.5 * rms) beats.shift();
  while (beats.length > 0 && local[beats[beats.length - 1]] < 0.5 * rms) beats.pop();
  return beats;
}

/** The descriptor spec's estimator, one step at a time. */
function referenceTempo(env: Float64Array, rate: number, minBpm: number, maxBpm: number, priorBpm: number): { bpm: number; confidence: number } | null {
  const comb = referenceComb(env, rate, minBpm);
  const prior = (bpm: number): number => Math.exp(-0.5 * Math.log2(bpm / priorBpm) ** 2);
  const score = (bpm: number): number => comb(bpm) * prior(bpm);
  // The best score on a 0.5 BPM grid over the range, then on a 0.01 grid ±0.5 around it (the first best wins).
  let best = minBpm;
  let bestScore = -Infinity;
  for (let b = minBpm; b <= maxBpm; b += 0.5) if (score(b) > bestScore) [best, bestScore] = [b, score(b)];
  for (let b = best - 0.5; b <= best + 0.5; b += 0.01) if (score(b) > bestScore) [best, bestScore] = [b, score(b)];
  if (!(bestScore > 0)) return null;
  // Octave rule: double when the comb at twice the tempo has ≥ 0.9 of its support and fits the range.
  if (2 * best <= maxBpm && comb(2 * best) >= 0.9 * comb(best)) [best, bestScore] = [2 * best, score(2 * best)];
  return { bpm: Math.round(best * 100) / 100, confidence: Math.round(Math.min(1, bestScore / prior(best)) * 1000) / 1000 };
}

describe('estimateTempo follows its specification', () => {
  it.each(kinds)('%s envelopes: the same tempo and confidence as the specification, in 40–240 and 60–180 BPM', (kind) => {
    const rng = createRng(1700 + kinds.indexOf(kind));
    for (let c = 0; c < 12; c++) {
      const { env } = envelopeOf(kind, rng);
      for (const [lo, hi, prior] of [[40, 240, 120], [60, 180, 100]]) {
        expect(estimateTempo(env, RATE, lo, hi, prior), `${kind} #${c}: ${env.length} frames, ${lo}–${hi}`).toEqual(referenceTempo(env, RATE, lo, hi, prior));
      }
    }
  });
});

describe('trackBeats follows its specification', () => {
  it.each(kinds)('%s envelopes: the same beats as the specification, on 40 seeded envelopes', (kind) => {
    const rng = createRng(1600 + kinds.indexOf(kind));
    for (let c = 0; c < 40; c++) {
      const { env, bpm } = envelopeOf(kind, rng);
      const expected = referenceBeats(env, RATE, bpm);
      expect(trackBeats(env, RATE, bpm), `${kind} #${c}: ${env.length} frames at ${bpm.toFixed(2)} BPM`).toEqual(expected);
    }
  });

  it('the specification is not trivially met: beats on a plain pulse train are on its pulses', () => {
    // 120 BPM at 25 frames/s: a pulse every 12.5 frames from 0.1 s, each split over two frames.
    const env = pulses(20 * RATE, 120, 0.1);
    const beats = referenceBeats(env, RATE, 120);
    expect(beats.length).toBeGreaterThanOrEqual(38);
    for (const b of beats) expect(env[b]).toBeGreaterThanOrEqual(0.5);
    expect(trackBeats(env, RATE, 120)).toEqual(beats);
  });
});
