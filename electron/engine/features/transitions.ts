/**
 * Shot cuts on a clip's own frames, gradual transitions included (features/shot-cuts.ts decodes,
 * this decides). The features' hard-cut detector (cuts.ts) looks at one frame's change against
 * its neighbours'; on its own it read a 1 s cross-fade as 0–3 cuts a few frames apart, a fade
 * through black as 3–4, a wipe as none, and a picture that updates below the frame rate (the
 * corpus's "life" clips, animation on twos) as a cut per update. Here:
 *
 * - Hard cuts: the same signals and thresholds, but a frame's change is compared with the changes
 *   of the frames that moved (`isFrameCutCandidate`): a repeated frame (no change) is no
 *   neighbour, so a picture updating every 3rd frame is judged against its own updates, not
 *   against the repeats between them (which made every update stand out).
 * - Gradual transitions: a run of frames over which the picture goes from one shot to the next
 *   (`gradualWindows`). Every pixel of a small thumbnail moves one way from the first frame to
 *   the last (a mix, a dissolve, a wipe: the path's length is its net change), the net change is
 *   a cut's, no single step carries half of it (that is a hard cut) and it spreads over 3+ steps
 *   (two hard cuts 2–3 frames apart have a steady middle shot: two steps, each most of the way),
 *   and the run stands out from the same length of picture before and after it (a pan or morphing
 *   clouds change as much there). Overlapping runs are one transition, counted once, placed on the
 *   frame by which half of its change above the shots' own motion has happened: its middle (where
 *   the picture is half the one shot and half the other; an editor centres a dissolve on a beat),
 *   the darkest frame of a fade through black. The hard cuts inside it are part of it.
 *
 * Not used by the 10 fps features (video.ts), whose cut columns the model was trained on.
 */
import { CUT_RADIUS, detectCuts, type CutThresholds } from './cuts';

/** Thumbnail cells: 8 columns of the 64-px analysis frame, rows of about 8 px. */
const CELL = 8;

/** One small RGB thumbnail per frame, kept for the whole clip (8 × 4 × 3 bytes at 16:9). */
export class Thumbnails {
  readonly cols: number;
  readonly rows: number;
  /** Bytes per thumbnail. */
  readonly size: number;
  private data: Uint8Array;
  length = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.cols = Math.max(1, Math.floor(width / CELL));
    this.rows = Math.max(1, Math.floor(height / CELL));
    this.size = this.cols * this.rows * 3;
    this.data = new Uint8Array(this.size * 256);
  }

  /** Box-averages a width × height RGB24 frame into the next thumbnail. */
  push(rgb: Uint8Array): void {
    if ((this.length + 1) * this.size > this.data.length) {
      const grown = new Uint8Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const { width: w, height: h, cols, rows } = this;
    const o = this.length * this.size;
    for (let r = 0; r < rows; r++) {
      const y0 = Math.floor((r * h) / rows), y1 = Math.floor(((r + 1) * h) / rows);
      for (let c = 0; c < cols; c++) {
        const x0 = Math.floor((c * w) / cols), x1 = Math.floor(((c + 1) * w) / cols);
        let R = 0, G = 0, B = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0, p = (y * w + x0) * 3; x < x1; x++, p += 3) {
            R += rgb[p];
            G += rgb[p + 1];
            B += rgb[p + 2];
          }
        }
        const k = (y1 - y0) * (x1 - x0);
        const q = o + (r * cols + c) * 3;
        this.data[q] = Math.round(R / k);
        this.data[q + 1] = Math.round(G / k);
        this.data[q + 2] = Math.round(B / k);
      }
    }
    this.length++;
  }

  /** Mean |difference| of thumbnails a and b, 0–1. */
  distance(a: number, b: number): number {
    const d = this.data, n = this.size;
    let s = 0;
    for (let i = 0, p = a * n, q = b * n; i < n; i++) s += Math.abs(d[p + i] - d[q + i]);
    return s / (255 * n);
  }

  /** Spread of thumbnail i's values around their mean, 0–1: near 0 for a black, white or one-colour frame. */
  spread(i: number): number {
    const d = this.data, n = this.size;
    let m = 0;
    for (let k = 0; k < n; k++) m += d[i * n + k];
    m /= n;
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.abs(d[i * n + k] - m);
    return s / (255 * n);
  }
}

/** A frame whose changes are both below these repeats its previous one (a picture updating below the frame rate; codec noise). */
const REPEAT_LUMA = 0.004;
const REPEAT_HIST = 0.03;

/** How far (frames) a frame's change looks for neighbours that moved: 0.75 s (a picture updating 3 times a second), at least CUT_RADIUS. */
export function cutLook(fps: number): number {
  return Math.max(CUT_RADIUS, Math.round(fps * 0.75));
}

/**
 * Does x[i] exceed `threshold` and `contrast`× the mean change of its ±CUT_RADIUS neighbours (frame
 * 0 excluded), as cuts.ts asks, where a neighbour that repeats its previous frame is replaced by
 * the next frame out that moved, at most `look` frames away, or by 0 when there is none? Where no
 * frame repeats, cuts.ts's test; a picture updating every 3rd frame (the corpus's "life", animation
 * on threes) is judged against its updates, not the repeats between them, which made every update
 * stand out; a cut between still shots still stands out (its neighbours are 0, as before).
 */
function standsOutOfMoves(x: ArrayLike<number>, moved: (j: number) => boolean, i: number, threshold: number, contrast: number, look: number): boolean {
  const d = x[i];
  if (d < threshold) return false;
  const n = x.length;
  let sum = 0;
  let slots = 0;
  for (const side of [-1, 1]) {
    const count = Math.min(CUT_RADIUS, side < 0 ? i - 1 : n - 1 - i);
    slots += Math.max(0, count);
    for (let k = 0, j = i; k < count; k++) {
      j += side;
      while (j >= 1 && j < n && Math.abs(j - i) <= look && !moved(j)) j += side;
      if (j < 1 || j >= n || Math.abs(j - i) > look) break;
      sum += x[j];
    }
  }
  return d >= contrast * (slots ? sum / slots : 0) + 0.01;
}

/** Is frame i a hard-cut candidate on the clip's own frames: cuts.ts's test against the neighbours that moved. It reads frames i ± `look`. */
export function isFrameCutCandidate(dist: ArrayLike<number>, luma: ArrayLike<number>, t: CutThresholds, i: number, look: number): boolean {
  const moved = (j: number): boolean => luma[j] >= REPEAT_LUMA || dist[j] >= REPEAT_HIST;
  return standsOutOfMoves(dist, moved, i, t.cutThreshold, t.cutContrast, look) || standsOutOfMoves(luma, moved, i, t.cutLumaThreshold, t.cutContrast, look);
}

/** The longest run (seconds) judged as one window; transitions up to about twice as long are found as overlapping windows. */
const MAX_WINDOW_SECONDS = 1;
/** Net thumbnail change a transition must reach (mean |Δ| per cell and channel, 0–1). */
const NET_MIN = 0.06;
/** Net change over path length: 1 when every cell moves one way. */
const STRAIGHT_MIN = 0.7;
/** No step may carry more than this share of the net change (else it is a hard cut). */
const STEP_SHARE_MAX = 0.35;
/** Effective number of steps, (Σ step)² / Σ step²: a steady middle shot between two hard cuts gives 2. */
const STEPS_MIN = 3;
/** The run's net change against the same length before and after it. */
const WINDOW_CONTRAST = 2;
/** A thumbnail this flat is the pivot of a fade through black (or any one colour): the other leg is no neighbour to stand out from. */
const FLAT = 0.02;

/**
 * The shortest window (seconds): a shorter "transition" is a fast move (a wing sweeping over the
 * thumbnail in 4 frames read as one in Big Buck Bunny), and a soft cut that short is found as a hard one.
 */
const MIN_WINDOW_SECONDS = 0.2;

/** Window lengths (frames) tried: about ×1.4 apart from 0.2 s (at least 3 frames) up to the longest. */
export function windowSpans(fps: number): number[] {
  const max = maxSpan(fps);
  const spans: number[] = [];
  for (let l = Math.max(3, Math.round(fps * MIN_WINDOW_SECONDS)); l < max; l = Math.max(l + 1, Math.round(l * 1.4))) spans.push(l);
  spans.push(max);
  return spans;
}

/** The longest window (frames) at `fps`: a window and its neighbours read up to twice this far from any frame they cover. */
export function maxSpan(fps: number): number {
  return Math.max(3, Math.round(fps * MAX_WINDOW_SECONDS));
}

/** Whether the frames' first and last are the clip's (else a part's, decoded alone). */
export interface FrameEnds {
  start: boolean;
  end: boolean;
}
const WHOLE: FrameEnds = { start: true, end: true };

/** A run of frames judged a gradual transition: frame `from` is the last of the old shot, `to` the first of the new. */
export interface Window {
  from: number;
  to: number;
}

/**
 * Every window (a, a + L] of the spans that reads as a gradual transition. A window reads frames
 * a − 2L … a + 3L; a neighbour beyond the frames counts as calm (a decode of part of a clip accepts
 * more windows near its ends than the whole clip, never fewer).
 */
export function gradualWindows(thumbs: Thumbnails, step: ArrayLike<number>, fps: number, ends: FrameEnds = WHOLE): Window[] {
  const n = thumbs.length;
  const path = new Float64Array(n);
  const sq = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    path[i] = path[i - 1] + step[i];
    sq[i] = sq[i - 1] + step[i] * step[i];
  }
  const flat = new Uint8Array(n);
  for (let i = 0; i < n; i++) flat[i] = thumbs.spread(i) <= FLAT ? 1 : 0;
  const found: Window[] = [];
  for (const L of windowSpans(fps)) {
    // net[j]: the change from frame j − L to frame j.
    const net = new Float64Array(n);
    for (let j = L; j < n; j++) net[j] = thumbs.distance(j - L, j);
    // The calmer of two neighbours (net[k]: the L frames up to k); one past the clip's ends is none
    // (undefined when neither is one); one past the frames of a part decoded alone counts as calm.
    const calmer = (k1: number, k2: number): number | undefined => {
      const one = (k: number): number | undefined => (k - L >= 0 && k < n ? net[k] : (k - L < 0 ? ends.start : ends.end) ? undefined : 0);
      const x = one(k1);
      const y = one(k2);
      return x === undefined ? y : y === undefined ? x : Math.min(x, y);
    };
    for (let j = L; j < n; j++) {
      const a = j - L;
      const N = net[j];
      if (N < NET_MIN) continue;
      const P = path[j] - path[a];
      if (N < STRAIGHT_MIN * P) continue;
      if ((P * P) / (sq[j] - sq[a]) < STEPS_MIN) continue;
      let big = 0;
      for (let k = a + 1; k <= j; k++) if (step[k] > big) big = step[k];
      if (big > STEP_SHARE_MAX * N) continue;
      // The same length before and after it, half a length and a length away, the calmer of the two
      // on each side: a window on half of a transition up to twice the longest window still has shot,
      // not transition, to stand out from, and a cut nearby spoils one of the two only. A flat end is
      // a fade's pivot, whose other side is its other leg. Beyond the frames: 0 (judged by the rest).
      const before = flat[a] ? 0 : calmer(a - (L >> 1), a - L);
      const after = flat[j] ? 0 : calmer(j + (L >> 1) + L, j + 2 * L);
      // A transition is between two shots: at the clip's start or end there is no shot to stand out from (a whip pan in the first second of fire2.mp4), but for black.
      if (before === undefined || after === undefined) continue;
      if (N < WINDOW_CONTRAST * Math.max(before ?? 0, after ?? 0)) continue;
      found.push({ from: a, to: j });
    }
  }
  return found.sort((x, y) => x.from - y.from || x.to - y.to);
}

/** Windows sharing a changed frame, joined: one transition each. */
export function joinWindows(windows: readonly Window[]): Window[] {
  const out: Window[] = [];
  for (const w of windows) {
    const last = out[out.length - 1];
    if (last && w.from < last.to) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}

/** The 90th percentile of step[from..to] (those outside 1…n − 1 left out): how much a shot moves at most, but for its rare jolts; 0 when none. */
function busyStep(step: ArrayLike<number>, from: number, to: number): number {
  const xs: number[] = [];
  for (let k = Math.max(1, from); k <= Math.min(step.length - 1, to); k++) xs.push(step[k]);
  if (!xs.length) return 0;
  xs.sort((x, y) => x - y);
  return xs[Math.floor(0.9 * (xs.length - 1))];
}

/**
 * Where a transition is counted: the middle of the frames that carry it. Its windows reach into
 * the shots either side; what a frame changes beyond the busier shot's own motion (its 90th
 * percentile step over the same length before or after) is the transition's, and the frames
 * holding the middle 90 % of that are its extent. The middle, not the start: the frame where a
 * cross-fade or a wipe is half the one shot and half the other (an editor centres a dissolve on a
 * beat), and the middle of both legs of a fade through black, whichever leg is quicker (xfade's
 * fadeblack reaches black in a sixth of its length). Its start is not sharply seen either: the
 * first frames of a fade differ from the shot's own motion by little.
 */
export function transitionFrame(step: ArrayLike<number>, t: Window, fps: number): number {
  // The shots' motion over the transition's length, at most the longest window's: what is read stays near it.
  const L = Math.min(t.to - t.from, maxSpan(fps));
  // At most half the run's own mean step is the shots' motion: a slow fade (2 s at 64 px) steps
  // less than a busy shot beside it moves, and would otherwise have no excess at all.
  let mean = 0;
  for (let k = t.from + 1; k <= t.to; k++) mean += step[k] / (t.to - t.from);
  const old = Math.min(mean / 2, busyStep(step, t.from - L + 1, t.from));
  const young = Math.min(mean / 2, busyStep(step, t.to + 1, t.to + L));
  // The old shot's motion fades out as the new one's fades in: first the busier's throughout, then
  // each in proportion to how far the transition has got by then (else its busier end draws it).
  let progress = (k: number): number => (old > young ? 0 : 1) + 0 * k;
  let extent = { first: t.from, last: t.to };
  for (let pass = 0; pass < 2; pass++) {
    const excess: number[] = [];
    let total = 0;
    for (let k = t.from + 1; k <= t.to; k++) {
      const p = progress(k);
      const x = Math.max(0, step[k] - ((1 - p) * old + p * young));
      excess.push(x);
      total += x;
    }
    if (total <= 0) break;
    const cumulative: number[] = [];
    let run = 0;
    for (const x of excess) cumulative.push((run += x) / total);
    // Where the change reaches a share, frame k's change spread over (k − 1, k].
    const at = (share: number): number => {
      const i = cumulative.findIndex((c) => c >= share);
      const before = i > 0 ? cumulative[i - 1] : 0;
      return t.from + i + (share - before) / (cumulative[i] - before);
    };
    extent = { first: at(0.05), last: at(0.95) };
    progress = (k: number): number => cumulative[k - t.from - 1];
  }
  // The frame whose change holds the middle.
  return Math.max(t.from + 1, Math.ceil((extent.first + extent.last) / 2));
}

/** Each frame's thumbnail change from the previous one (0 for the first). */
export function thumbSteps(thumbs: Thumbnails): Float64Array {
  const step = new Float64Array(thumbs.length);
  for (let i = 1; i < thumbs.length; i++) step[i] = thumbs.distance(i - 1, i);
  return step;
}

export interface FrameCuts {
  /** Frames starting a new shot, ascending. */
  cuts: number[];
  /** The gradual transitions, each counted once in `cuts`. */
  transitions: Window[];
}

/** The shot cuts of a decode's frames: hard cuts outside the gradual transitions, and one per transition. */
export function frameCuts(dist: ArrayLike<number>, luma: ArrayLike<number>, thumbs: Thumbnails, t: CutThresholds, fps: number, ends: FrameEnds = WHOLE): FrameCuts {
  const look = cutLook(fps);
  const hard = detectCuts(dist, luma, t, CUT_RADIUS, (i) => isFrameCutCandidate(dist, luma, t, i, look));
  const step = thumbSteps(thumbs);
  const transitions = joinWindows(gradualWindows(thumbs, step, fps, ends));
  const inside = (c: number): boolean => transitions.some((w) => c > w.from && c <= w.to);
  const cuts = [...hard.filter((c) => !inside(c)), ...transitions.map((w) => transitionFrame(step, w, fps))].sort((a, b) => a - b);
  return { cuts, transitions };
}
