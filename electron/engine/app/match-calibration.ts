/**
 * Calibrating a model version's match fit: every clip of a held-out paired corpus is ranked
 * against every track of it by the same Matcher the app uses (exact alignment + beat term, the
 * same segment windows and cut/beat times as a match of the files would use), and the scores of
 * true pairs and of non-pairs are fitted by match-fit.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentWindows } from '../encoders/segments';
import { openModel } from '../models/open';
import { loadModelVersion, type LoadedModel } from '../models/version';
import { Matcher } from '../search/matcher';
import { SegmentStore } from '../search/segment-store';
import type { PairSample } from '../train/dataset';
import { CALIBRATION_FILE, fitCalibration, type MatchCalibration } from './match-fit';

/**
 * Fewest held-out clip–track pairs a calibration is fitted on: a two-parameter curve on fewer true
 * pairs is mostly noise, and the version is better off on the library fallback.
 */
export const MIN_CALIBRATION_PAIRS = 10;

/** A cut this close to the clip's start is its boundary, as analyzeClip drops it. */
const BOUNDARY_EPS = 0.05;

export interface PairScores {
  /** scores[i · n + j]: clip i against track j (n pairs). */
  scores: Float64Array;
  n: number;
  positives: number[];
  negatives: number[];
}

/** Match score of every held-out clip against every held-out track (n² alignments). */
export async function heldOutMatchScores(pairs: readonly PairSample[], model: LoadedModel, opts: { signal?: AbortSignal } = {}): Promise<PairScores> {
  const n = pairs.length;
  const { window, hop, dims } = model.manifest;
  const sessions = await openModel(model, { provider: 'cpu', log: () => {} });
  const store = new SegmentStore(dims.out);
  const matcher = new Matcher(store, { threads: 1 });
  try {
    for (const [j, p] of pairs.entries()) {
      const segs = segmentWindows(p.audio.seq, { window, hop });
      const s = p.audio.summary;
      store.addTrack({
        id: j,
        embeddings: await sessions.audio.embed(segs.data, segs.n, opts.signal ? { signal: opts.signal } : {}),
        starts: segs.starts,
        // Only the beats take part in the score; the rest is what the "why" would read.
        summary: { duration: s.duration, bpm: s.tempo?.bpm ?? 0, beats: s.beats, key: s.key?.tonic ?? '', mode: s.key?.mode ?? 'minor', energy: s.energy },
        mood: { brightness: 0 },
      });
    }
    const scores = new Float64Array(n * n);
    for (const [i, p] of pairs.entries()) {
      const { seq, summary } = p.video;
      const segs = segmentWindows(seq, { window, hop });
      const embeddings = await sessions.video.embed(segs.data, segs.n, opts.signal ? { signal: opts.signal } : {});
      const cuts = summary.cuts.map((c) => c - seq.start).filter((c) => c > BOUNDARY_EPS);
      const results = await matcher.match({ embeddings, cuts, firstStart: segs.starts[0] - seq.start }, { topK: n, strategy: 'exact' });
      for (const r of results) scores[i * n + r.trackId] = r.score;
    }
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (i === j ? positives : negatives).push(scores[i * n + j]);
    return { scores, n, positives, negatives };
  } finally {
    await matcher.release();
    await sessions.close();
  }
}

/** Fit the calibration to held-out pair scores and write it beside the version's model.json. */
export async function writeCalibration(modelDir: string, scores: Pick<PairScores, 'positives' | 'negatives'>, data: string, createdAt = new Date().toISOString()): Promise<MatchCalibration> {
  const cal: MatchCalibration = { ...fitCalibration(scores.positives, scores.negatives), data, positives: scores.positives.length, negatives: scores.negatives.length, createdAt };
  await writeFile(join(modelDir, CALIBRATION_FILE), `${JSON.stringify(cal, null, 2)}\n`);
  return cal;
}

/** One pair per source: every window of a held-out edit carries its whole video and soundtrack. */
export function sourcePairs(windows: readonly PairSample[]): PairSample[] {
  const first = new Map<string, PairSample>();
  for (const w of windows) if (!first.has(w.id)) first.set(w.id, w);
  return [...first.values()];
}

/**
 * Calibrate a newly saved version on its held-out split (windows, as fine-tuning holds them):
 * each held-out source's video against every held-out source's soundtrack. Null, and no file,
 * when there are fewer than MIN_CALIBRATION_PAIRS sources or their true pairs do not score
 * higher than the rest: the version then shows the library standing.
 */
export async function calibrateOnHeldOut(modelDir: string, windows: readonly PairSample[], data: string, opts: { signal?: AbortSignal } = {}): Promise<MatchCalibration | null> {
  const pairs = sourcePairs(windows);
  if (pairs.length < MIN_CALIBRATION_PAIRS) return null;
  const scores = await heldOutMatchScores(pairs, await loadModelVersion(modelDir), opts);
  try {
    return await writeCalibration(modelDir, scores, `${data}: ${pairs.length} held-out sources, each video against every soundtrack`);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}
