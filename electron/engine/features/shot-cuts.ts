/**
 * A clip's shot cuts at its own frame rate, for the player's markers and the fit's hits: the
 * features' detector (cuts.ts) runs at 10 fps, a tenth of a second coarse; an editor expects a
 * marker on the frame. One decode of every frame at a tiny size (decoding dominates either way),
 * the same frame-change signals and thresholds as the features, and gradual transitions counted
 * once (transitions.ts).
 */
import { stat } from 'node:fs/promises';
import { decodeVideoFrames } from '../media/decode';
import { displayAspect, probe, videoStream, type MediaInfo } from '../media/probe';
import { inputError } from '../errors';
import { round } from '../util/round';
import { FrameAnalyser } from './frame';
import { VIDEO_SPEC as V } from './spec';
import { cutLook, frameCuts, isFrameCutCandidate, maxSpan, Thumbnails } from './transitions';

/** Analysis width: enough for colour histograms and mean luma change, cheap per frame. */
const WIDTH = 64;
/** Above this rate every other frame would do; a cut still lands within one of the clip's frames. */
const MAX_FPS = 60;

export interface ShotCuts {
  /** Seconds (file time) of the first frame of each new shot. */
  cuts: number[];
  /** The frame rate analysed (the clip's own, at most 60). */
  fps: number;
  /**
   * Set when only part of the clip was searched (a `range` asked for): the cuts between `from` and
   * `to` (file seconds, both outside the range asked) are exactly the whole clip's there, and no
   * other cut is listed. Absent: the whole clip's cuts.
   */
  span?: { from: number; to: number };
}

export interface ShotCutOptions {
  info?: MediaInfo;
  signal?: AbortSignal;
  /** Seconds decoded so far and the clip's duration, once per second of video. */
  onProgress?: (seconds: number, duration: number) => void;
  /**
   * Only this range's cuts are wanted (file seconds): a constant-rate clip is then decoded over the
   * range and the few frames either side its detection reads, not whole (a CLI match of 10 s of a
   * film). The cuts found there are the whole clip's detection restricted to it.
   */
  range?: { start: number; end: number };
}

/**
 * Frames decoded beyond what the detector reads around the range, where the runs of adjacent cuts
 * and transitions end: a few first; a range edge inside a transition decodes again with seconds more.
 */
const SPARE = 3;
const SPARE_SECONDS = 4;

interface Decoded {
  dist: number[];
  luma: number[];
  thumbs: Thumbnails;
}

async function decodeChanges(file: string, fps: number, height: number, from: number, frames: number | undefined, opts: ShotCutOptions, duration: number): Promise<Decoded> {
  const analyser = new FrameAnalyser(WIDTH, height, V.hueBins, V.edgeThreshold);
  const dist: number[] = [];
  const luma: number[] = [];
  const thumbs = new Thumbnails(WIDTH, height);
  // A seek a quarter frame before frame `from` gives the whole decode's frames from it on (on a
  // constant-rate stream at its own rate): the frame before falls before the seek, the grid stays.
  const range = from > 0 ? { start: (from - 0.25) / fps } : {};
  const count = frames !== undefined ? { duration: frames / fps } : {};
  for await (const frame of decodeVideoFrames(file, { fps, width: WIDTH, height, ...range, ...count, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    const s = analyser.analyse(frame.data);
    dist.push(s.histDistance);
    luma.push(s.motion);
    thumbs.push(frame.data);
    if ((from + frame.index) % Math.round(fps) === 0) opts.onProgress?.(Math.round((from + frame.index) / fps), duration);
  }
  return { dist, luma, thumbs };
}

export async function detectShotCuts(file: string, opts: ShotCutOptions = {}): Promise<ShotCuts> {
  const info = opts.info ?? (await probe(file, opts.signal ? { signal: opts.signal } : {}));
  const stream = videoStream(info);
  if (!stream) throw inputError(file, 'has no video stream to find shot cuts in');
  const fps = Math.min(MAX_FPS, stream.fps && stream.fps > 0 ? stream.fps : 25);
  const height = Math.max(8, Math.round(WIDTH / displayAspect(stream) / 2) * 2);
  // Only a stream decoded frame for frame keeps the whole decode's frames after a seek: one of
  // constant rate at most MAX_FPS (a variable rate, or a faster one thinned to 60, is resampled on a
  // grid that starts where decoding does).
  if (opts.range && stream.constantRate && stream.fps === fps) {
    const part = await detectInRange(file, fps, height, opts.range, opts, info.duration);
    if (part) return part;
  }
  const { dist, luma, thumbs } = await decodeChanges(file, fps, height, 0, undefined, opts, info.duration);
  return { cuts: frameCuts(dist, luma, thumbs, V, fps).cuts.map((i) => round(i / fps, 3)), fps };
}

/**
 * The whole clip's cuts between two free frames around `range` (no cut candidate, inside no
 * gradual transition's window), from a decode of that stretch alone; null when candidates and
 * transitions fill the spare frames even with seconds more (then the caller decodes the whole clip).
 */
async function detectInRange(file: string, fps: number, height: number, range: { start: number; end: number }, opts: ShotCutOptions, duration: number): Promise<ShotCuts | null> {
  const first = Math.max(0, Math.floor(range.start * fps) - 1);
  const last = Math.ceil(range.end * fps) + 1;
  for (const spare of cutSpares(fps)) {
    const { from, upTo } = cutWindow(first, last, fps, spare);
    // Near the end the decode runs to it: the whole detection's last frames see the same end.
    const toEnd = (upTo + 1) / fps >= duration - 1e-6;
    const { dist, luma, thumbs } = await decodeChanges(file, fps, height, from, toEnd ? undefined : upTo - from + 1, opts, duration);
    const found = windowCuts(dist, luma, thumbs, fps, from, first, last, toEnd);
    if (found) return { cuts: found.cuts.map((i) => round(i / fps, 3)), fps, span: { from: round(found.from / fps, 3), to: round(found.to / fps, 3) } };
  }
  return null;
}

/**
 * How far beyond two free frames the detection between them reads (features/transitions.ts): a
 * hard-cut candidate reads `cutLook` frames either side (each change its previous frame); a
 * transition window after the first free frame reads its neighbours of the same length up to a
 * length before it, at most 2 × maxSpan frames, and its placement maxSpan. A window over a free frame may read further,
 * but a decode that lacks its neighbour judges it by the other side alone, which accepts more
 * windows, never fewer: a frame free there is free in the whole clip.
 */
export function cutReach(fps: number): number {
  return Math.max(2 * maxSpan(fps), cutLook(fps) + 1);
}

/** The spare frames tried in turn: a few, then seconds more when the range's edges lie in a transition's windows. */
export function cutSpares(fps: number): number[] {
  return [SPARE, Math.round(SPARE_SECONDS * fps)];
}

/** The frames [from, upTo] to decode for the cuts of frames first…last: what the detector reads around them, and `spare` frames more. */
export function cutWindow(first: number, last: number, fps: number, spare = SPARE): { from: number; upTo: number } {
  const reach = cutReach(fps);
  return { from: Math.max(0, first - reach - spare), upTo: last + reach + spare };
}

/**
 * The whole clip's cut frames (clip frame numbers) between the last free frame before `first` and
 * the first after `last`, from a decode of frames from `from` on (`dist[0]`, `luma[0]`: the decode's
 * first frame, which has no previous one); null when no free frame lies where the window can judge.
 * `toEnd`: the decode ran to the clip's end. Why it equals the whole detection there: a free frame
 * b is no hard-cut candidate, so the tie-break of adjacent cuts does not cross it (features/cuts.ts),
 * and lies in no transition window, so no transition crosses it; what lies between two free frames
 * reads at most cutReach frames beyond them.
 */
export function windowCuts(dist: ArrayLike<number>, luma: ArrayLike<number>, thumbs: Thumbnails, fps: number, from: number, first: number, last: number, toEnd: boolean): { cuts: number[]; from: number; to: number } | null {
  const n = dist.length;
  const reach = cutReach(fps);
  // Local indices judged as the whole clip judges them.
  const exactFrom = from === 0 ? 0 : reach;
  const exactTo = toEnd ? n - 1 : n - reach;
  const found = frameCuts(dist, luma, thumbs, V, fps, { start: from === 0, end: toEnd });
  const covered = new Uint8Array(n);
  for (const w of found.transitions) covered.fill(1, w.from + 1, w.to + 1);
  const look = cutLook(fps);
  const free = (i: number): boolean => !covered[i] && !(i > 0 && isFrameCutCandidate(dist, luma, V, i, look));
  let p = first - from - 1;
  while (p >= exactFrom && !free(p)) p--;
  let q = last - from + 1;
  while (q <= exactTo && !free(q)) q++;
  if ((from > 0 && p < exactFrom) || (q > exactTo && !(toEnd && q >= n))) return null;
  const cuts = found.cuts.filter((i) => i > p && i < q).map((i) => from + i);
  return { cuts, from: from + p, to: from + q };
}

/**
 * Finished detections kept per file (path, size, modification time): the player's markers and a
 * fit's hits then share one decode of the clip. Only results are kept, never a detection in
 * flight, so one caller's cancel cannot fail another.
 */
export class ShotCutCache {
  private readonly done = new Map<string, ShotCuts>();
  constructor(private readonly capacity = 8) {}

  /** The clip's whole detection when kept; else a detection of `opts.range` alone when asked (not kept: the markers need the whole clip). */
  async get(file: string, opts: ShotCutOptions = {}): Promise<ShotCuts> {
    const s = await stat(file);
    const key = `${file}\0${s.size}\0${s.mtimeMs}`;
    const hit = this.done.get(key);
    if (hit) return hit;
    const found = await detectShotCuts(file, opts);
    if (found.span) return found;
    this.done.set(key, found);
    if (this.done.size > this.capacity) this.done.delete(this.done.keys().next().value as string);
    return found;
  }
}
