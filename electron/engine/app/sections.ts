/**
 * Split one long video into sections of consistent pace and mood, at shot boundaries.
 *
 * Rule (deterministic binary segmentation):
 * 1. Candidate boundaries are the video's shot cuts that leave at least `minSeconds` on both
 *    sides of the stretch being split (a section shorter than one 8 s encoder window would be
 *    padded and could not be aligned against a track).
 * 2. Each side is described by five numbers: motion (0..1, scales.motionLevel), brightness (mean
 *    luma), saturation, warmth, and cut rate (cuts/min inside it, the boundary cut excluded).
 *    Their difference between the sides is measured in fixed units (UNITS: the change a viewer
 *    reads as a different pace or mood), giving a distance d = ‖(left − right) / units‖.
 * 3. The candidate maximising √(nL·nR/n)·d (the CUSUM statistic: it prefers a real change point
 *    to an edge of the stretch) is taken if its d ≥ `threshold` (default 1: one unit of change).
 * 4. Recurse on both sides until no candidate passes.
 * Fixed units rather than per-video z-scores: a video of one mood then stays one section
 * instead of being split on its own noise.
 */
import type { ClipAnalysis } from './clip';
import { motionLevel } from './scales';

export interface Section {
  /** Seconds from the clip start: the shot cut the section begins on (0 for the first). */
  start: number;
  /** Seconds from the clip start: the next section's cut, or the clip's end. */
  end: number;
  /** Rows [fromRow, toRow) of the clip's FeatureSeq: the 0.5 s rows nearest the cuts, what is analysed. */
  fromRow: number;
  toRow: number;
  /** The distance d that split this section from the one before (0 for the first). */
  change: number;
}

export interface SectionRule {
  /** Shortest section in seconds (default 8: one encoder window). */
  minSeconds?: number;
  /** Smallest distance, in units, that makes a split (default 1). */
  threshold?: number;
}

/** One unit of change per descriptor (see the rule above). */
export const UNITS = { motion: 0.25, brightness: 0.1, saturation: 0.1, warmth: 0.15, cutsPerMin: 20 } as const;
const COLUMNS = ['motion', 'luma_mean', 'saturation', 'warmth'] as const;

/** Cumulative sums per column: sums[c][t] = Σ rows < t, so any side's mean is O(1). */
interface Prefix {
  sums: Float64Array[];
}

function prefixSums(clip: ClipAnalysis): Prefix {
  const { seq } = clip;
  const sums = COLUMNS.map((name) => {
    const c = seq.names.indexOf(name);
    const out = new Float64Array(seq.T + 1);
    for (let t = 0; t < seq.T; t++) out[t + 1] = out[t] + (c >= 0 ? seq.data[t * seq.D + c] : 0);
    return out;
  });
  return { sums };
}

function sideVector(p: Prefix, cuts: number[], from: number, to: number, step: number): number[] {
  const n = to - from;
  const mean = (i: number) => (p.sums[i][to] - p.sums[i][from]) / n;
  const seconds = n * step;
  // Cuts within half a row of a side's edge are the boundaries themselves, not its pace.
  const inside = cuts.filter((c) => c > (from + 0.5) * step && c < (to - 0.5) * step).length;
  return [
    motionLevel(mean(0)) / UNITS.motion,
    mean(1) / UNITS.brightness,
    mean(2) / UNITS.saturation,
    mean(3) / UNITS.warmth,
    ((inside / seconds) * 60) / UNITS.cutsPerMin,
  ];
}

const distance = (a: number[], b: number[]): number => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));

/** Sections of a clip by the rule above; a clip with no qualifying cut is one section. */
export function splitSections(clip: ClipAnalysis, rule: SectionRule = {}): Section[] {
  const { seq } = clip;
  const step = seq.step;
  const minRows = Math.max(1, Math.ceil((rule.minSeconds ?? 8) / step));
  const threshold = rule.threshold ?? 1;
  const prefix = prefixSums(clip);
  // A cut's boundary row: the 0.5 s row it starts in, rounded to the nearest row edge. The cut itself
  // is the boundary the user sees (the row edge is up to a quarter second off it).
  const cutAt = new Map<number, number>();
  for (const c of [...clip.cuts].sort((a, b) => a - b)) {
    const row = Math.round(c / step);
    if (row > 0 && row < seq.T && !cutAt.has(row)) cutAt.set(row, c);
  }
  const cutRows = [...cutAt.keys()].sort((a, b) => a - b);

  const bounds: Array<{ row: number; change: number }> = [];
  const split = (from: number, to: number): void => {
    let best: { row: number; stat: number; d: number } | null = null;
    for (const row of cutRows) {
      if (row - from < minRows || to - row < minRows) continue;
      const left = sideVector(prefix, clip.cuts, from, row, step);
      const right = sideVector(prefix, clip.cuts, row, to, step);
      const d = distance(left, right);
      const stat = Math.sqrt(((row - from) * (to - row)) / (to - from)) * d;
      if (!best || stat > best.stat) best = { row, stat, d };
    }
    if (!best || best.d < threshold) return;
    split(from, best.row);
    bounds.push({ row: best.row, change: best.d });
    split(best.row, to);
  };
  split(0, seq.T);

  const edges = [{ row: 0, change: 0 }, ...bounds, { row: seq.T, change: 0 }];
  const timeOf = (row: number): number => (row === 0 ? 0 : row === seq.T ? clip.duration : (cutAt.get(row) ?? row * step));
  return edges.slice(0, -1).map((e, i) => ({
    start: timeOf(e.row),
    end: timeOf(edges[i + 1].row),
    fromRow: e.row,
    toRow: edges[i + 1].row,
    change: Number(e.change.toFixed(3)),
  }));
}
