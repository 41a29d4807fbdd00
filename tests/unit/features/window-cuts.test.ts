/**
 * The cuts of part of a clip from a decode of that part and the frames around it are the whole
 * clip's (features/shot-cuts.ts windowCuts): checked against the whole detection (cuts.ts
 * detectCuts over every frame) on seeded random change signals made to sit near the detector's
 * thresholds: spikes of every height, clusters of them on adjacent frames (the tie-break) and
 * stretches of high change (where a spike stands out or not by its neighbours up to CUT_RADIUS
 * away). A window that read fewer frames around the range than the detector does would judge some
 * of them otherwise.
 */
import { describe, expect, it } from 'vitest';
import { detectCuts } from '../../../electron/engine/features/cuts';
import { cutWindow, windowCuts } from '../../../electron/engine/features/shot-cuts';
import { VIDEO_SPEC as V } from '../../../electron/engine/features/spec';
import { createRng } from '../../../electron/engine/util/prng';

/** Per-frame changes of a made-up clip: calm, spikes near and above the thresholds, flicker stretches. */
function signals(n: number, seed: number): { dist: Float64Array; luma: Float64Array } {
  const rng = createRng(seed);
  const dist = new Float64Array(n);
  const luma = new Float64Array(n);
  let busy = 0;
  for (let i = 1; i < n; i++) {
    if (busy === 0 && rng.next() < 0.04) busy = 2 + rng.int(12);
    const base = busy > 0 ? 0.05 + 0.15 * rng.next() : 0.01 * rng.next();
    if (busy > 0) busy--;
    const spike = rng.next() < 0.12 ? (0.5 + 1.5 * rng.next()) : 0;
    dist[i] = Math.min(1, base + spike * V.cutThreshold * (0.6 + rng.next()));
    luma[i] = Math.min(1, base / 4 + (rng.next() < 0.5 ? spike * V.cutLumaThreshold * (0.6 + rng.next()) : 0));
  }
  return { dist, luma };
}

describe('windowCuts', () => {
  it('equals the whole detection between the frames it answers for, wherever the range lies', () => {
    let checked = 0;
    let answered = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const n = 300;
      const { dist, luma } = signals(n, seed);
      const whole = detectCuts(dist, luma, V);
      for (let first = 0; first < n; first += 5) {
        const last = Math.min(n - 1, first + 10 + (first % 23));
        const { from, upTo } = cutWindow(first, last);
        const toEnd = upTo >= n - 1;
        // What a decode from frame `from` gives: its first frame has no previous one to differ from.
        const end = toEnd ? n : upTo + 1;
        const d = dist.slice(from, end);
        const l = luma.slice(from, end);
        d[0] = 0;
        l[0] = 0;
        checked++;
        const got = windowCuts(d, l, from, first, last, toEnd);
        if (!got) continue;
        answered++;
        expect(got.from).toBeLessThan(first);
        expect(got.to).toBeGreaterThan(last);
        const truth = whole.filter((c) => c > got.from && c < got.to);
        expect(got.cuts, `seed ${seed}, frames ${first}–${last}`).toEqual(truth);
      }
    }
    // The window answers almost always: only runs of candidates through its spare frames send it back to the whole clip.
    expect(answered / checked).toBeGreaterThan(0.9);
  });
});
