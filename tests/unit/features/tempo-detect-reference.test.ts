// detectTempo (the summary's tempo) against its specification, written out plainly on top of
// the comb of the descriptor spec and the real metrical-level walk (chooseLevel, tested in
// metrical-level.test.ts): the anchor is the comb's best on a 0.5 BPM grid under a prior two
// octaves wide around 120 BPM, refined, moved to the beat level, refined again, kept in range;
// confidence = the comb over 0.5 (capped at 1) × (0.3 + 0.7 × how clearly the level was chosen).
import { describe, expect, it } from 'vitest';
import { chooseLevel, LEVEL_DEFAULTS } from '../../../electron/engine/features/metrical-level';
import { detectTempo } from '../../../electron/engine/features/tempo';
import { createRng } from '../../../electron/engine/util/prng';
import { envelopeOf, kinds, RATE, referenceComb } from '../../helpers/tempo-spec';

/** The BPM within ±spread of `bpm` where `score` is highest: a 0.5 BPM grid, then 0.02 within ±0.5 of its best (the first best wins). */
function refine(score: (bpm: number) => number, bpm: number, spread: number): number {
  let best = bpm;
  let bestScore = score(bpm);
  for (let b = bpm * (1 - spread); b <= bpm * (1 + spread); b += 0.5) if (score(b) > bestScore) [best, bestScore] = [b, score(b)];
  const coarse = best;
  for (let b = coarse - 0.5; b <= coarse + 0.5; b += 0.02) if (score(b) > bestScore) [best, bestScore] = [b, score(b)];
  return best;
}

function referenceDetect(onset: Float64Array, accent: Float64Array, minBpm: number, maxBpm: number): { bpm: number; confidence: number } | null {
  const o = { ...LEVEL_DEFAULTS, minBpm, maxBpm };
  const comb = referenceComb(onset, RATE, minBpm);
  let anchor = minBpm;
  let best = -Infinity;
  for (let b = minBpm; b <= maxBpm; b += 0.5) {
    const s = comb(b) * Math.exp(-0.5 * (Math.log2(b / 120) / 2) ** 2);
    if (s > best) [anchor, best] = [b, s];
  }
  if (!(best > 0)) return null;
  const level = chooseLevel(refine(comb, anchor, 0.02), onset, accent, RATE, o);
  const bpm = Math.min(maxBpm, Math.max(minBpm, refine(comb, level.bpm, 0.015)));
  const strength = Math.max(0, Math.min(1, comb(bpm) / 0.5));
  const confidence = strength * (0.3 + 0.7 * Math.min(1, level.margin / 0.2));
  return { bpm: Math.round(bpm * 100) / 100, confidence: Math.round(confidence * 1000) / 1000 };
}

describe('detectTempo follows its specification', () => {
  it.each(kinds)('%s envelopes: the same tempo and confidence as the specification, in the default range and in 60–180', (kind) => {
    const rng = createRng(1800 + kinds.indexOf(kind));
    for (let c = 0; c < 12; c++) {
      const { env } = envelopeOf(kind, rng);
      // The accent envelope: the onsets themselves, or with each frame weighted differently.
      const accent = c % 2 === 0 ? env : env.map((v) => v * (0.5 + rng.next()));
      for (const [lo, hi] of [[LEVEL_DEFAULTS.minBpm, LEVEL_DEFAULTS.maxBpm], [60, 180]]) {
        const expected = referenceDetect(env, accent, lo, hi);
        expect(detectTempo(env, accent, RATE, { ...LEVEL_DEFAULTS, minBpm: lo, maxBpm: hi }), `${kind} #${c}: ${env.length} frames, ${lo}–${hi}`).toEqual(expected);
      }
    }
  });
});
