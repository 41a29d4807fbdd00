/**
 * The cuts of part of a clip from a decode of that part and the frames around it are the whole
 * clip's (features/shot-cuts.ts windowCuts): checked against the whole detection
 * (transitions.ts frameCuts over every frame) on seeded random clips made to sit near the
 * detector's thresholds: change signals with spikes of every height, clusters of them on adjacent
 * frames (the tie-break), stretches of high change and repeated frames (where a spike stands out
 * or not by its neighbours up to cutLook away); and thumbnails of shots that move, cut hard, or
 * fade into the next over 3–40 frames (transitions whose windows and neighbours read up to
 * cutReach away). A window that read fewer frames around the range than the detector does would
 * judge some of them otherwise.
 */
import { describe, expect, it } from 'vitest';
import { cutSpares, cutWindow, windowCuts } from '../../../electron/engine/features/shot-cuts';
import { VIDEO_SPEC as V } from '../../../electron/engine/features/spec';
import { frameCuts, Thumbnails } from '../../../electron/engine/features/transitions';
import { createRng } from '../../../electron/engine/util/prng';

const FPS = 25;
/** Frames of 16 × 16 px: 2 × 2 thumbnail cells. */
const SIDE = 16;

/** Per-frame changes of a made-up clip: calm, spikes near and above the thresholds, flicker stretches, repeats. */
function signals(n: number, seed: number): { dist: Float64Array; luma: Float64Array } {
  const rng = createRng(seed);
  const dist = new Float64Array(n);
  const luma = new Float64Array(n);
  let busy = 0;
  for (let i = 1; i < n; i++) {
    if (busy === 0 && rng.next() < 0.04) busy = 2 + rng.int(12);
    const repeat = busy === 0 && rng.next() < 0.3;
    const base = repeat ? 0.001 : busy > 0 ? 0.05 + 0.15 * rng.next() : 0.01 * rng.next();
    if (busy > 0) busy--;
    const spike = rng.next() < 0.12 ? (0.5 + 1.5 * rng.next()) : 0;
    dist[i] = Math.min(1, base + spike * V.cutThreshold * (0.6 + rng.next()));
    luma[i] = Math.min(1, base / 4 + (rng.next() < 0.5 ? spike * V.cutLumaThreshold * (0.6 + rng.next()) : 0));
  }
  return { dist, luma };
}

/** RGB frames of shots of random cell colours that jitter, cut hard or fade into the next (3–40 frames), a black now and then. */
function frames(n: number, seed: number): Uint8Array[] {
  const rng = createRng(seed * 7919);
  const shot = (): number[] => Array.from({ length: 12 }, () => (rng.next() < 0.1 ? 0 : rng.int(256)));
  let cur = shot();
  let next = shot();
  let fade = 0;
  let fadeLength = 0;
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (fade === 0 && rng.next() < 0.05) {
      if (rng.next() < 0.5) cur = shot();
      else {
        next = rng.next() < 0.2 ? new Array<number>(12).fill(0) : shot();
        fadeLength = 3 + rng.int(38);
        fade = fadeLength;
      }
    }
    const mix = fade > 0 ? (fadeLength - fade + 1) / fadeLength : 0;
    const jitter = rng.next() < 0.2 ? 20 : 3;
    const cells = cur.map((c, k) => Math.max(0, Math.min(255, Math.round(c + (next[k] - c) * mix + (rng.next() - 0.5) * jitter))));
    if (fade > 0 && --fade === 0) cur = next;
    const f = new Uint8Array(SIDE * SIDE * 3);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const k = ((y >> 3) * 2 + (x >> 3)) * 3;
        f.set(cells.slice(k, k + 3), (y * SIDE + x) * 3);
      }
    }
    out.push(f);
  }
  return out;
}

function thumbnails(list: Uint8Array[]): Thumbnails {
  const t = new Thumbnails(SIDE, SIDE);
  for (const f of list) t.push(f);
  return t;
}

describe('windowCuts', () => {
  it('equals the whole detection between the frames it answers for, wherever the range lies', () => {
    let checked = 0;
    const answered = [0, 0];
    let transitions = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const n = 400;
      const { dist, luma } = signals(n, seed);
      const pictures = frames(n, seed);
      const whole = frameCuts(dist, luma, thumbnails(pictures), V, FPS);
      transitions += whole.transitions.length;
      for (let first = 0; first < n; first += 7) {
        const last = Math.min(n - 1, first + 10 + (first % 23));
        checked++;
        // As detectShotCuts tries them: a few spare frames, then seconds more.
        for (const [k, spare] of cutSpares(FPS).entries()) {
          const { from, upTo } = cutWindow(first, last, FPS, spare);
          const toEnd = upTo >= n - 1;
          // What a decode from frame `from` gives: its first frame has no previous one to differ from.
          const end = toEnd ? n : upTo + 1;
          const d = dist.slice(from, end);
          const l = luma.slice(from, end);
          d[0] = 0;
          l[0] = 0;
          const got = windowCuts(d, l, thumbnails(pictures.slice(from, end)), FPS, from, first, last, toEnd);
          if (!got) continue;
          answered[k]++;
          expect(got.from).toBeLessThan(first);
          expect(got.to).toBeGreaterThan(last);
          const truth = whole.cuts.filter((c) => c > got.from && c < got.to);
          expect(got.cuts, `seed ${seed}, frames ${first}–${last}, spare ${spare}`).toEqual(truth);
        }
      }
    }
    // The clips hold transitions for the windows to judge.
    expect(transitions).toBeGreaterThan(60);
    // A few spare frames answer for most ranges; runs of candidates and transitions through them
    // need seconds more, which answer for almost all (the rest decode the whole clip).
    expect(answered[0] / checked).toBeGreaterThan(0.4);
    expect(answered[1] / checked).toBeGreaterThan(0.9);
  });
});
