import { inputError } from '../errors';
import { decodeVideoFrames, type VideoFrame } from '../media/decode';
import { displayAspect, videoStream } from '../media/probe';
import { round } from '../util/round';
import { detectCuts } from './cuts';
import { FrameAnalyser } from './frame';
import { emptyRangeCause, feed, resolveRange, type ExtractOptions, type Partial, type ResolvedRange } from './range';
import { stepCount, VIDEO_SPEC } from './spec';
import type { FeatureSeq } from './types';

export interface VideoSummary {
  /** Seconds of video analysed. */
  duration: number;
  /** Hard-cut times, seconds in file time, at the analysis frame rate (1 / VIDEO_SPEC.fps). */
  cuts: number[];
  cutsPerMinute: number;
  /** Mean |Δluma| between consecutive analysis frames (cuts excluded), 0–1. */
  motion: number;
  /** Mean luma, 0–1. */
  brightness: number;
  /** Mean HSV saturation, 0–1. */
  saturation: number;
  colourfulness: number;
  warmth: number;
  /** Analysis frame size in pixels. */
  width: number;
  height: number;
  partial?: Partial;
}

export interface VideoFeatures {
  seq: FeatureSeq;
  summary: VideoSummary;
}

const V = VIDEO_SPEC;
const D = V.names.length;
const HUE0 = 4;
const COL = {
  warmth: HUE0 + V.hueBins,
  edges: HUE0 + V.hueBins + 1,
  motion: HUE0 + V.hueBins + 2,
  speed: HUE0 + V.hueBins + 3,
  speedCoarse: HUE0 + V.hueBins + 4,
  cuts: HUE0 + V.hueBins + 5,
  shot: HUE0 + V.hueBins + 6,
};
/** Columns that measure change from the previous frame: averaged over frames that are not cuts. */
const MOVING = [COL.motion, COL.speed, COL.speedCoarse] as const;
const FRAMES_PER_STEP = Math.round(V.fps * V.step);

/** Frames of the shot holding `frame`: from the last cut at or before it to the next cut (or the ends). */
export function shotLengthFrames(cuts: readonly number[], frames: number, frame: number): number {
  let start = 0;
  let end = frames;
  for (const c of cuts) {
    if (c <= frame) start = c;
    else {
      end = c;
      break;
    }
  }
  return Math.max(1, end - start);
}

/** Analysis height for a display aspect: width fixed, height even, 8–320 px. */
export function analysisHeight(aspect: number): number {
  const h = Math.round(V.width / aspect / 2) * 2;
  return Math.min(320, Math.max(8, h));
}

/** Streaming video descriptors: push RGB frames at VIDEO_SPEC.fps, then finish(). */
export class VideoFeatureExtractor {
  private readonly analyser: FrameAnalyser;
  /** Per-frame descriptor rows (columns as the output; the cut column holds the histogram distance). */
  private rows = new Float32Array(256 * D);
  private frames = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly start = 0,
  ) {
    this.analyser = new FrameAnalyser(width, height, V.hueBins, V.edgeThreshold);
  }

  get seconds(): number {
    return this.frames / V.fps;
  }

  push(rgb: Uint8Array): void {
    const f = this.analyser.analyse(rgb);
    if ((this.frames + 1) * D > this.rows.length) {
      const g = new Float32Array(this.rows.length * 2);
      g.set(this.rows);
      this.rows = g;
    }
    const r = this.rows;
    const o = this.frames * D;
    r[o] = f.lumaMean;
    r[o + 1] = f.lumaContrast;
    r[o + 2] = f.saturation;
    r[o + 3] = f.colourfulness;
    r.set(f.hue, o + HUE0);
    r[o + COL.warmth] = f.warmth;
    r[o + COL.edges] = f.edgeDensity;
    r[o + COL.motion] = f.motion;
    // Speeds span 0.01–30 px/frame; log2(1 + v) keeps slow and fast scenes both resolved.
    r[o + COL.speed] = Math.log2(1 + f.speed);
    r[o + COL.speedCoarse] = Math.log2(1 + f.speedCoarse);
    r[o + COL.cuts] = f.histDistance;
    this.frames++;
  }

  finish(partial?: Partial): VideoFeatures {
    const n = this.frames;
    const r = this.rows;
    const dist = Float64Array.from({ length: n }, (_, i) => r[i * D + COL.cuts]);
    const lumaChange = Float64Array.from({ length: n }, (_, i) => r[i * D + COL.motion]);
    const cuts = detectCuts(dist, lumaChange, V);
    const isCut = new Uint8Array(n);
    for (const c of cuts) isCut[c] = 1;
    const T = stepCount(n, FRAMES_PER_STEP);
    const data = new Float32Array(T * D);
    let motionSum = 0;
    let motionCount = 0;
    for (let k = 0; k < T; k++) {
      const from = k * FRAMES_PER_STEP;
      const to = Math.min(n, from + FRAMES_PER_STEP);
      const row = k * D;
      let moved = 0;
      for (let i = from; i < to; i++) {
        for (let c = 0; c < COL.motion; c++) data[row + c] += r[i * D + c] / (to - from);
        // Motion across a cut is the cut, not movement; frame 0 has nothing to move from.
        if (i > 0 && !isCut[i]) {
          for (const c of MOVING) data[row + c] += r[i * D + c];
          moved++;
        }
        data[row + COL.cuts] += isCut[i];
      }
      const shot = shotLengthFrames(cuts, n, Math.min(n - 1, from + (FRAMES_PER_STEP >> 1))) / V.fps;
      data[row + COL.shot] = Math.log2(Math.min(shot, V.shotMaxSeconds));
      motionSum += data[row + COL.motion];
      motionCount += moved;
      for (const c of MOVING) data[row + c] = moved ? data[row + c] / moved : 0;
    }
    const mean = (c: number): number => {
      let s = 0;
      for (let i = 0; i < n; i++) s += r[i * D + c];
      return n ? s / n : 0;
    };
    const seconds = n / V.fps;
    const summary: VideoSummary = {
      duration: round(seconds, 3),
      cuts: cuts.map((i) => round(this.start + i / V.fps, 3)),
      cutsPerMinute: round(seconds > 0 ? (cuts.length * 60) / seconds : 0, 2),
      motion: round(motionCount ? motionSum / motionCount : 0, 4),
      brightness: round(mean(0), 4),
      saturation: round(mean(2), 4),
      colourfulness: round(mean(3), 4),
      warmth: round(mean(COL.warmth), 4),
      width: this.width,
      height: this.height,
    };
    if (partial) summary.partial = partial;
    const seq: FeatureSeq = { step: V.step, names: [...V.names], data, T, D, spec: V.version, start: this.start };
    return { seq, summary };
  }
}

/** Decode a file's first video stream (cover art does not count) and extract its descriptors. */
export async function extractVideoFeatures(file: string, opts: ExtractOptions = {}): Promise<VideoFeatures> {
  const range = await resolveRange(file, opts);
  if (!videoStream(range.info)) throw inputError(file, 'has no video stream');
  return extractVideoFrom(range, opts);
}

export async function extractVideoFrom(r: ResolvedRange, opts: ExtractOptions): Promise<VideoFeatures> {
  const { info, start, duration, expected } = r;
  const stream = videoStream(info);
  if (!stream) throw inputError(info.file, 'has no video stream');
  const height = analysisHeight(displayAspect(stream));
  const ex = new VideoFeatureExtractor(V.width, height, start);
  const dec = {
    fps: V.fps, width: V.width, height, start,
    ...(duration !== undefined ? { duration } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  const push = (frame: VideoFrame): void => {
    ex.push(frame.data);
    opts.onProgress?.('video', ex.seconds, expected);
  };
  const partial = await feed(info.file, decodeVideoFrames(info.file, dec), push, () => ex.seconds, V.step, 'video frames', emptyRangeCause(r, 'video', 1 / V.fps, 'frame'));
  return ex.finish(partial);
}
