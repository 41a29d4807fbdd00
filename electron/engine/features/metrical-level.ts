/**
 * Which metrical level is the beat. Periodicity alone cannot tell a tempo from its double or
 * half: a pulse train at T has autocorrelation peaks at every multiple of 60/T, so T/2 fits as
 * well, and eighth-note hi-hats make 2T fit nearly as well. Listeners pick the level that carries
 * the accents: kick and snare (or bass and chords) land on beats, subdivisions are weaker.
 *
 * From the fastest level the onset envelope supports, walk down by 2 (or 3) while the dropped
 * pulses are clearly weaker than the kept ones in an accent envelope (flux of compressed power,
 * where a hi-hat weighs less than a kick), with a threshold that shrinks away from ~115 BPM (a
 * prior on the level listeners tap). Thresholds were tuned on generator seed 1 (96 clips of
 * tests/helpers/annotated-music); scripts/bench/descriptors.ts reports another seed.
 *
 * A level with pulses of its own half-way between its beats (eighth notes under a 130 BPM beat)
 * is not dropped to a slower level further from the centre: there the weaker alternate beats are
 * the bar's accents (a kick on 1 and 3 louder than the snare on 2 and 4), not subdivisions.
 * Without this, real recordings with loud kicks read half their tempo (Vibe Ace 65 for ~130,
 * Choice 68 for ~136; docs/features.md).
 */

/**
 * Mean over k of the onset mass near `phase + k·period`: the largest sum of two adjacent frames
 * within one frame of it. Two frames, not the largest single one: an onset that falls between two
 * frames splits its flux over both, and a single frame would see half of it. At 25 frames/s a
 * 120 BPM track's beats are 12.5 frames apart, so every other beat straddles two frames: with
 * single frames, beats 2 and 4 looked like subdivisions and the track read 60 BPM.
 */
function foldedStrength(env: Float64Array, period: number, phase: number, from: number, to: number): number {
  let s = 0;
  let n = 0;
  for (let t = from + phase; t < to - 1; t += period) {
    const i = Math.round(t);
    const here = env[i];
    s += Math.max((env[i - 1] ?? 0) + here, here + (env[i + 1] ?? 0));
    n++;
  }
  return n ? s / n : 0;
}

/**
 * How strong the pulses between a level's beats are, relative to the beats: for period `P` and
 * `div` = 2 (or 3), the mean folded strength at P/div offsets from the best phase, divided by the
 * strength at that phase. Averaged over windows of ~8 s so slow tempo drift does not smear it.
 */
export function subdivisionRatio(env: Float64Array, period: number, div: 2 | 3, windowFrames: number): number {
  const n = env.length;
  const win = Math.max(Math.ceil(4 * period), Math.min(n, windowFrames));
  let num = 0;
  let den = 0;
  for (let from = 0; from + win <= n || from === 0; from += Math.max(1, Math.floor(win / 2))) {
    const to = Math.min(n, from + win);
    let best = -1;
    let phase = 0;
    let plateau = 0;
    for (let p = 0; p < period; p += 0.5) {
      const s = foldedStrength(env, period, p, from, to);
      if (s > best) [best, phase, plateau] = [s, p, 1];
      else if (s === best && p === phase + 0.5 * plateau) plateau++;
    }
    // The one-frame maximum makes a flat top three frames wide: take its middle as the beat.
    phase += 0.25 * (plateau - 1);
    let off = 0;
    for (let k = 1; k < div; k++) off += foldedStrength(env, period, phase + (k * period) / div, from, to);
    num += off / (div - 1);
    den += best;
    if (to === n) break;
  }
  return den > 0 ? num / den : 1;
}

export interface LevelOptions {
  minBpm: number;
  maxBpm: number;
  /** Centre of the prior on the tapped level, BPM. */
  centreBpm: number;
  /** Subdivision ratio under which a level drops to a slower one equally far from the centre; see dropLimit. */
  threshold: number;
  slope: number;
  /** Added to the drop threshold when the slower level is nearer the centre. */
  toward: number;
  /** Ratio of mid-beat to beat onsets (full envelope) above which the double level is real pulses. */
  doubling: number;
  /** A level's own subdivision ratio (accent envelope) from which it is not dropped away from the centre. */
  subdivided: number;
}

export const LEVEL_DEFAULTS: LevelOptions = { minBpm: 40, maxBpm: 240, centreBpm: 115, threshold: 0.55, slope: 0.125, toward: 0.1, doubling: 0.35, subdivided: 0.32 };

export interface Level {
  bpm: number;
  /**
   * How clearly the last decision was made, 0–1: the distance of the deciding subdivision ratio
   * from its threshold (a ratio at the threshold is a coin toss between two levels).
   */
  margin: number;
}

/**
 * The subdivision ratio under which `bpm` drops to `slower` (= bpm / div): `threshold` at the
 * prior's centre, `slope` less per octave away from it, `toward` more when the drop moves
 * towards the centre. Thirds (3/4, swing) need a clearer accent.
 */
function dropLimit(bpm: number, slower: number, div: 2 | 3, o: LevelOptions): number {
  const away = (b: number): number => octavesFromCentre(b, o);
  return o.threshold - o.slope * away(slower) + (away(slower) < away(bpm) ? o.toward : 0) - (div === 3 ? 0.15 : 0);
}

function octavesFromCentre(bpm: number, o: LevelOptions): number {
  return Math.abs(Math.log2(bpm / o.centreBpm));
}

/**
 * The beat level from `bpm` (a tempo the periodicity supports): first up to the fastest level
 * whose mid-beat pulses are real in the `onset` envelope, then down (by 2 or 3) while the
 * `accent` envelope says the dropped pulses are subdivisions. `accent` should not let quiet-band
 * events (hi-hats) look as strong as kick and snare: a compressed-power flux does that, a dB flux
 * does not (a hat rising from the −80 dB floor is a huge dB step).
 */
export function chooseLevel(bpm: number, onset: Float64Array, accent: Float64Array, rate: number, o: LevelOptions = LEVEL_DEFAULTS): Level {
  const window = 8 * rate;
  let level = bpm;
  let margin = 1;
  for (;;) {
    let up = 0;
    for (const m of [2, 3] as const) {
      if (up || level * m > o.maxBpm) continue;
      const gap = subdivisionRatio(onset, (60 * rate) / level, m, window) - o.doubling;
      if (gap >= 0) up = level * m;
      margin = Math.min(margin, Math.abs(gap));
    }
    if (!up) break;
    level = up;
  }
  for (;;) {
    let next = 0;
    let nextGap = 0;
    let stopGap = Infinity;
    // This level's own half-way pulses, measured once and only for a drop away from the centre.
    let own: number | undefined;
    for (const div of [2, 3] as const) {
      const slower = level / div;
      if (slower < o.minBpm) continue;
      let gap = dropLimit(level, slower, div, o) - subdivisionRatio(accent, (60 * rate) / slower, div, window);
      if (octavesFromCentre(slower, o) > octavesFromCentre(level, o)) {
        own ??= subdivisionRatio(accent, (60 * rate) / level, 2, window);
        gap = Math.min(gap, o.subdivided - own);
      }
      if (gap > nextGap) [next, nextGap] = [slower, gap];
      else stopGap = Math.min(stopGap, -gap);
    }
    if (!next) {
      if (stopGap < Infinity) margin = Math.min(margin, stopGap);
      return { bpm: level, margin: Math.max(0, Math.min(1, margin)) };
    }
    margin = Math.min(margin, nextGap);
    level = next;
  }
}
