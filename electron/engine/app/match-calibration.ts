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
import type { PairSample, TrainingData } from '../train/dataset';
import { balancedLogLoss, CALIBRATION_FILE, fitCalibration, type MatchCalibration } from './match-fit';

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

/** Write a calibration fitted on held-out pair scores beside the version's model.json. */
export async function writeCalibration(
  modelDir: string,
  scores: Pick<PairScores, 'positives' | 'negatives'>,
  curve: Pick<MatchCalibration, 'slope' | 'intercept'>,
  data: string,
  domain: MatchCalibration['domain'] = 'synthetic',
): Promise<MatchCalibration> {
  const cal: MatchCalibration = { slope: curve.slope, intercept: curve.intercept, data, domain, positives: scores.positives.length, negatives: scores.negatives.length, createdAt: new Date().toISOString() };
  await writeFile(join(modelDir, CALIBRATION_FILE), `${JSON.stringify(cal, null, 2)}\n`);
  return cal;
}

/** Fit a version's calibration on held-out pairs (each clip's own track its true pair) and write it. */
export async function calibrateOnPairs(modelDir: string, pairs: readonly PairSample[], data: string, opts: { signal?: AbortSignal } = {}): Promise<MatchCalibration> {
  const scores = await heldOutMatchScores(pairs, await loadModelVersion(modelDir), opts);
  return writeCalibration(modelDir, scores, fitCalibration(scores.positives, scores.negatives), data);
}

/**
 * What the shipped base's calibration is fitted on: the pairs of its corpus after the ones it
 * trained on. scripts/calibrate-match.ts and `npm run train:base` both write it with this text,
 * so re-running the recipe reproduces the shipped file (but its createdAt).
 */
export function baseCalibrationData(firstUnused: number, total: number, seed: number): string {
  // Only the shipped recipe's pairs (seed 7, 2,641–3,000) were round 4's galleries; another run's are just unused.
  const shipped = seed === 7 && firstUnused === 2640 && total === 3000;
  return (
    `match scores of seed ${seed}'s synthetic pairs ${firstUnused + 1}-${total} (10 s clips, 30 s tracks): each clip against every track, its own track the true pair (scripts/calibrate-match.ts). ` +
    `Base never trained or early-stopped on them${shipped ? "; they were round 4's validation galleries H-J (docs/eval-generalise.md), on which base was chosen between two candidates" : ''}`
  );
}

/** One pair per source: every window of a held-out edit carries its whole video and soundtrack. */
export function sourcePairs(windows: readonly PairSample[]): PairSample[] {
  const first = new Map<string, PairSample>();
  for (const w of windows) if (!first.has(w.id)) first.set(w.id, w);
  return [...first.values()];
}

/**
 * Fine-tuning's held-out windows split by source: every other source (in id order) is kept for
 * the calibration, which early stopping then never sees; the rest early-stops the run. Under
 * 2 × MIN_CALIBRATION_PAIRS sources all of them early-stop and nothing is calibrated.
 */
export function calibrationShare(windows: readonly PairSample[]): { stopping: PairSample[]; calibration: PairSample[] } {
  const ids = [...new Set(windows.map((w) => w.id))].sort();
  if (ids.length < 2 * MIN_CALIBRATION_PAIRS) return { stopping: [...windows], calibration: [] };
  const kept = new Set(ids.filter((_, i) => i % 2 === 1));
  return { stopping: windows.filter((w) => !kept.has(w.id)), calibration: windows.filter((w) => kept.has(w.id)) };
}

/**
 * Fine-tuning's plan for the match calibration: the training data whose 'val' early-stops it (the
 * calibration share relabelled 'test', a split the trainer never reads), the windows the curve is
 * fitted on, and the early-stopping windows it is checked on.
 */
export function finetuneCalibrationPlan(data: TrainingData): { stoppingData: TrainingData; calibration: PairSample[]; check: PairSample[] } {
  const share = calibrationShare(data.pairs.filter((p) => p.split === 'val'));
  const kept = new Set(share.calibration.map((w) => w.id));
  const stoppingData = kept.size ? { ...data, pairs: data.pairs.map((p) => (p.split === 'val' && kept.has(p.id) ? { ...p, split: 'test' as const } : p)) } : data;
  return { stoppingData, calibration: share.calibration, check: share.stopping };
}

/**
 * Calibrate a newly saved version on held-out windows (as fine-tuning and a corpus's test split
 * hold them): each source's video against every source's soundtrack. With `check` (sources the
 * curve is not fitted on), the curve must also do better there than knowing nothing (balanced
 * log-loss under ln 2). Null, and no file, when there are fewer than MIN_CALIBRATION_PAIRS
 * sources, their true pairs do not score higher than the rest, or the check fails: the version
 * then shows the standing only.
 */
export async function calibrateOnHeldOut(
  modelDir: string,
  windows: readonly PairSample[],
  data: string,
  opts: { signal?: AbortSignal; check?: readonly PairSample[]; domain?: MatchCalibration['domain'] } = {},
): Promise<MatchCalibration | null> {
  const pairs = sourcePairs(windows);
  if (pairs.length < MIN_CALIBRATION_PAIRS) return null;
  const model = await loadModelVersion(modelDir);
  const scores = await heldOutMatchScores(pairs, model, opts);
  let curve: Pick<MatchCalibration, 'slope' | 'intercept'>;
  try {
    curve = fitCalibration(scores.positives, scores.negatives);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
  let checked = '';
  const checkPairs = sourcePairs(opts.check ?? []);
  if (checkPairs.length >= 2) {
    const loss = balancedLogLoss(await heldOutMatchScores(checkPairs, model, opts), curve);
    if (!(loss < Math.LN2)) return null;
    checked = `; checked on ${checkPairs.length} other held-out sources (those that early-stopped it): balanced log-loss ${loss.toFixed(3)} (ln 2 = knows nothing)`;
  }
  return writeCalibration(modelDir, scores, curve, `${data}: ${pairs.length} held-out sources, each video against every soundtrack${checked}`, opts.domain);
}
