/**
 * A clip's shot cuts at its own frame rate, for the player's markers and the fit's hits: the
 * features' detector (cuts.ts) runs at 10 fps, a tenth of a second coarse; an editor expects a
 * marker on the frame. One decode of every frame at a tiny size (decoding dominates either way),
 * the same frame-change signals and thresholds as the features.
 */
import { stat } from 'node:fs/promises';
import { decodeVideoFrames } from '../media/decode';
import { displayAspect, probe, videoStream, type MediaInfo } from '../media/probe';
import { inputError } from '../errors';
import { round } from '../util/round';
import { detectCuts } from './cuts';
import { FrameAnalyser } from './frame';
import { VIDEO_SPEC as V } from './spec';

/** Analysis width: enough for colour histograms and mean luma change, cheap per frame. */
const WIDTH = 64;
/** Above this rate every other frame would do; a cut still lands within one of the clip's frames. */
const MAX_FPS = 60;

export interface ShotCuts {
  /** Seconds (file time) of the first frame of each new shot. */
  cuts: number[];
  /** The frame rate analysed (the clip's own, at most 60). */
  fps: number;
}

export interface ShotCutOptions {
  info?: MediaInfo;
  signal?: AbortSignal;
  /** Seconds decoded so far and the clip's duration, once per second of video. */
  onProgress?: (seconds: number, duration: number) => void;
}

export async function detectShotCuts(file: string, opts: ShotCutOptions = {}): Promise<ShotCuts> {
  const info = opts.info ?? (await probe(file, opts.signal ? { signal: opts.signal } : {}));
  const stream = videoStream(info);
  if (!stream) throw inputError(file, 'has no video stream to find shot cuts in');
  const fps = Math.min(MAX_FPS, stream.fps && stream.fps > 0 ? stream.fps : 25);
  const height = Math.max(8, Math.round(WIDTH / displayAspect(stream) / 2) * 2);
  const analyser = new FrameAnalyser(WIDTH, height, V.hueBins, V.edgeThreshold);
  const dist: number[] = [];
  const luma: number[] = [];
  for await (const frame of decodeVideoFrames(file, { fps, width: WIDTH, height, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    const s = analyser.analyse(frame.data);
    dist.push(s.histDistance);
    luma.push(s.motion);
    if (frame.index % Math.round(fps) === 0) opts.onProgress?.(Math.round(frame.index / fps), info.duration);
  }
  return { cuts: detectCuts(dist, luma, V).map((i) => round(i / fps, 3)), fps };
}

/**
 * Finished detections kept per file (path, size, modification time): the player's markers and a
 * fit's hits then share one decode of the clip. Only results are kept, never a detection in
 * flight, so one caller's cancel cannot fail another.
 */
export class ShotCutCache {
  private readonly done = new Map<string, ShotCuts>();
  constructor(private readonly capacity = 8) {}

  async get(file: string, opts: ShotCutOptions = {}): Promise<ShotCuts> {
    const s = await stat(file);
    const key = `${file}\0${s.size}\0${s.mtimeMs}`;
    const hit = this.done.get(key);
    if (hit) return hit;
    const found = await detectShotCuts(file, opts);
    this.done.set(key, found);
    if (this.done.size > this.capacity) this.done.delete(this.done.keys().next().value as string);
    return found;
  }
}
