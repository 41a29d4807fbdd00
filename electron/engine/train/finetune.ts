/**
 * Fine-tuning the cross-modal model on the user's finished edits: warm start from the active
 * version's ONNX files → pairs from the edits (edits.ts) → train (heads only on little data) with
 * early stopping on held-out videos → evaluate parent and child on the same held-out windows and
 * on the base benchmark (base-benchmark.ts: what was forgotten) → save a new version whose parent
 * is the active one, both evaluations in its model.json (metrics.evaluations). Nothing is listed until the version's
 * model.json is renamed into place (saveModelVersion), so a killed run leaves no version behind
 * and the active pointer untouched; activation only when asked.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { calibrateOnHeldOut, finetuneCalibrationPlan } from '../app/match-calibration';
import { onnxToEncoder } from '../encoders/onnx-import';
import { heldOutTooFew, MIN_HELD_OUT_EDITS, MIN_HELD_OUT_WINDOWS, NO_JUDGEMENTS, RECALL_NA_RULE, recallIsTrivial } from '../../contract/wording';
import { inputError, NeedledropError, usageError } from '../errors';
import { useBackend } from '../metric/backend';
import { activeModel, checkNewVersion, loadModel, type RegistryOptions } from '../models/registry';
import { MANIFEST_FILE, type LoadedModel, type ModelManifest } from '../models/version';
import { BASE_BENCHMARK, baseBenchmarkPairs } from './base-benchmark';
import { bySplit, type PairSample } from './dataset';
import { emptyData, HELD_OUT_SHARE, loadEditPairs, type EditsData, type EditVideo, type SkippedVideo } from './edits';
import { feedbackPairs, trackIdOf, type FeedbackJudgement } from './feedback-pairs';
import { batchesCanHoldNegatives } from './batches';
import type { FeatureSeq } from '../features/types';
import { evaluateEmbedder, evaluateHeldOut, musicSources, type MethodReport } from './eval';
import { activateSaved, onnxEmbedder, saveTarget, saveTrainedModel, tfEmbedder } from './export';
import { removeCheckpoint } from './checkpoint';
import { checkpointNote, progressMetrics, trainDualEncoder, validationNote, type TrainProgress } from './trainer';
import { validationMetricOf } from './validation';
import type { DualWeights } from './weights';
import { dataHome } from '../paths';
import { checkWritableFolders } from '../util/writable';
import { errorMessage } from '../util/error-message';

/**
 * Below this many training windows only the projection heads train: a few hundred windows are
 * enough to re-aim the heads but not to re-learn temporal filters without forgetting the base.
 */
export const HEADS_ONLY_BELOW = 200;

/** Default L2-SP strength (pull to the parent's weights); measured on the shifted-taste bench (docs/models.md). */
export const FINETUNE_ANCHOR = 1;

export interface FinetuneRequest {
  /** Folder of finished edits (videos with their own music). */
  videos?: string;
  version: string;
  /** Default: true below HEADS_ONLY_BELOW training windows. */
  headsOnly?: boolean;
  steps?: number;
  lr?: number;
  batch?: number;
  seed?: number;
  /** Steps between descriptor windows; default the parent's hop. */
  hop?: number;
  /** L2-SP strength: pull of the trained weights back to the parent's (0 = off; default FINETUNE_ANCHOR). */
  anchor?: number;
  activate?: boolean;
}

export interface FinetuneDirs {
  registry: RegistryOptions;
  userModelsDir: string;
  checkpointsDir: string;
  cacheDir: string;
  /**
   * Where the base benchmark corpus lives (base-benchmark.ts; rendered on first use). Without it
   * the run is measured on the held-out split only.
   */
  benchmarkDir?: string;
  /**
   * Accept/reject judgements recorded by match and the app, with the catalog's stored track audio
   * and how a track is named to the user (its title and file; "track N" without it).
   */
  feedback?: { rows: readonly FeedbackJudgement[]; trackAudio: (trackId: number) => FeatureSeq | undefined; trackName?: (trackId: number) => string | undefined };
}

/** What a job handle offers (structural, so the engine's JobHandle fits without a service import). */
export interface FinetuneJob {
  signal: AbortSignal;
  progress(phase: string, done: number, total: number, extra?: { item?: string; metrics?: Record<string, number> }): void;
}

export interface FinetuneOutcome {
  version: string;
  parent: string;
  dir: string;
  activated: boolean;
  headsOnly: boolean;
  videos: EditVideo[];
  skipped: SkippedVideo[];
  pairs: { train: number; val: number };
  /** Held-out windows, parent vs fine-tuned, same queries; none below MIN_HELD_OUT_EDITS held-out edits. */
  heldOut: HeldOutComparison;
  /**
   * Why this version is no better than its parent, in words (review R1.6): no step beat the parent
   * on the held-out windows (it keeps the parent's weights), it scores below the parent on the
   * held-out edits, or the base benchmark's v→m Recall@1 fell by more than BASE_R1_FALL_ALLOWED.
   * Such a version is saved but never activated by `activate`. Null when none of these holds.
   */
  noBetter: string | null;
  /** The base benchmark (a fixed synthetic corpus), parent vs fine-tuned: what was forgotten. Null without a benchmark folder. */
  base: { before: MethodReport; after: MethodReport } | null;
  bestStep: number;
  stepsRun: number;
  stoppedEarly: boolean;
  /** The step a checkpoint of the same run (same edits, parent and settings) was resumed at; null when it started at step 0. */
  resumedAt: number | null;
  /** What to know before reading the figures (held-out windows too few for their headline metric). */
  notes: string[];
  seconds: number;
  manifest: ModelManifest;
}

/**
 * The parent and the fine-tuned version on the held-out windows, from `edits` held-out sources
 * (videos, judged clips). Below MIN_HELD_OUT_EDITS they are not compared: no figures (null), and
 * the reason with what to do (contract/wording's heldOutTooFew).
 */
export type HeldOutComparison =
  | {
      edits: number;
      before: MethodReport;
      after: MethodReport;
      reason: null;
      /** The windows compared (those of the held-out sources that count: MIN_HELD_OUT_WINDOWS). */
      windows: number;
      /** How many of them early stopping also scored to choose the kept step (so "after" leans optimistic on them). */
      selectedOn: number;
    }
  | { edits: number; before: null; after: null; reason: string };

/**
 * A fine-tune whose base benchmark v→m Recall@1 falls by more than this is not activated by
 * `activate` (3 of the 24 benchmark pairs losing their first place: one or two is the run-to-run
 * spread of a heads-only fine-tune there, docs/models.md; review R1.6 saw 0.708 → 0.458).
 */
export const BASE_R1_FALL_ALLOWED = 0.125;

/**
 * The held-out windows the before/after compares: those of sources with MIN_HELD_OUT_WINDOWS or
 * more (review R1.5), and the sources too short to count, by name.
 */
export function heldOutComparison(val: readonly PairSample[]): { windows: PairSample[]; sources: string[]; short: Array<{ name: string; windows: number }> } {
  const count = new Map<string, number>();
  for (const p of val) count.set(p.id, (count.get(p.id) ?? 0) + 1);
  const kept = new Set([...count].filter(([, n]) => n >= MIN_HELD_OUT_WINDOWS).map(([id]) => id));
  return {
    windows: val.filter((p) => kept.has(p.id)),
    sources: [...kept].map((id) => basename(id)),
    short: [...count].filter(([id]) => !kept.has(id)).map(([id, windows]) => ({ name: basename(id), windows })),
  };
}

/**
 * Why the new version is no better than its parent (FinetuneOutcome.noBetter), or null. Held-out:
 * on the selection's own measure (v→m mean reciprocal rank by source); base: its v→m Recall@1.
 */
export function noBetterThanParent(r: { parent: string; bestStep: number; validated: boolean; heldOut: HeldOutComparison; base: { before: MethodReport; after: MethodReport } | null }): string | null {
  const why: string[] = [];
  if (r.validated && r.bestStep === 0) why.push(`no step beat the parent (${r.parent}) on the held-out edits, so this version keeps the parent's weights`);
  else if (r.heldOut.reason === null) {
    const [b, a] = [r.heldOut.before.videoToMusic.mrr ?? NaN, r.heldOut.after.videoToMusic.mrr ?? NaN];
    if (a < b - 1e-6) why.push(`it is worse than its parent (${r.parent}) on your held-out edits (video → music mean reciprocal rank ${b.toFixed(3)} → ${a.toFixed(3)})`);
  }
  if (r.base) {
    const [b, a] = [r.base.before.videoToMusic.recall1, r.base.after.videoToMusic.recall1];
    if (b - a > BASE_R1_FALL_ALLOWED + 1e-9) why.push(`its base benchmark Recall@1 fell from ${b.toFixed(3)} to ${a.toFixed(3)}, more than the ${BASE_R1_FALL_ALLOWED} allowed (it forgot much of the general picture ↔ music mapping)`);
  }
  return why.length > 0 ? `${why.join('; and ')}` : null;
}

/** A model version's encoders as trainer weights, plus the shape the trainer must use. */
export async function readVersionWeights(model: LoadedModel): Promise<{ weights: DualWeights; hidden: number; outDim: number; convLayers: 1 | 2 }> {
  const read = async (m: 'video' | 'audio') => {
    try {
      return onnxToEncoder(await readFile(model.paths[m]));
    } catch (err) {
      throw inputError(model.paths[m], `cannot warm-start from this encoder: ${errorMessage(err)}`, err);
    }
  };
  const [video, audio] = [await read('video'), await read('audio')];
  return { weights: { video: video.weights, audio: audio.weights }, hidden: video.config.hidden, outDim: video.config.outDim, convLayers: video.config.convLayers };
}

/**
 * What to know about the held-out windows before reading the figures: the table's Recall@K is n/a
 * where K is more than half the held-out soundtracks (recallIsTrivial), and early stopping scores the MRR on its share of them.
 * Held-out edits too few to compare (`compared` false) have their own reason beside the figures
 * they replace, not a note.
 */
function heldOutNotes(heldOut: number, compared: ReturnType<typeof heldOutComparison> | null, stopping: readonly PairSample[]): string[] {
  const notes: string[] = [];
  if (compared) {
    const gallery = musicSources(compared.windows);
    // Each held-out picture window is ranked against one soundtrack per held-out source (eval.ts sourceRetrieval).
    if (recallIsTrivial(10, { gallery })) notes.push(`held-out edits: each of the ${compared.windows.length} held-out picture windows is ranked against the ${gallery} held-out soundtracks (chance Recall@1 ${(1 / gallery).toFixed(3)}), so Recall@10 is n/a (${RECALL_NA_RULE}) and parent and fine-tuned are compared at Recall@1, median rank and MAP@R; every held-out edit weighs the same`);
    if (compared.short.length > 0) notes.push(`held-out but too short to count in the before/after (fewer than ${MIN_HELD_OUT_WINDOWS} windows): ${compared.short.map((s) => `${s.name} (${s.windows})`).join(', ')}`);
    const chose = new Set(validationMetricOf(stopping, 'mood') === 'none' ? [] : stopping.map((p) => p.id));
    const selectedOn = compared.windows.filter((p) => chose.has(p.id)).length;
    if (selectedOn > 0) notes.push(`${selectedOn === compared.windows.length ? 'these held-out windows' : `${selectedOn} of these ${compared.windows.length} held-out windows`} also chose the kept step (early stopping), so the "after" figures lean optimistic`);
  }
  // Windows of one video are each other's positives (class positives, as trained).
  const selection = validationNote(stopping, 'mood', 'windows', `early stopping's held-out edits`);
  if (selection) notes.push(selection);
  return notes;
}

/**
 * Why no training batch can hold two clips (batches.ts batchesCanHoldNegatives): the training
 * windows are of one clip, or every clip's pairs have the same track (a track under two clips is
 * never beside either's other pairs). Only these two leave every batch of one class.
 */
function oneClassWhy(train: readonly PairSample[], trackName?: (trackId: number) => string | undefined): string {
  const clips = [...new Set(train.map((p) => p.id))];
  const names = clips.map((c) => basename(c)).join(', ');
  if (clips.length === 1) return `the training split holds one clip (${names})`;
  const source = train[0].musicSource;
  const id = source === undefined ? undefined : trackIdOf(source);
  const track = id === undefined ? (source ?? 'one track') : `track ${id}${trackName?.(id) ? ` (${trackName(id)})` : ''}`;
  return `the ${clips.length} training clips (${names}) were all accepted with the same track, ${track}`;
}

export async function finetuneOnEdits(req: FinetuneRequest, dirs: FinetuneDirs, job: FinetuneJob): Promise<FinetuneOutcome> {
  const outDir = join(dirs.userModelsDir, req.version);
  checkNewVersion(req.version, outDir, dirs.registry);
  // What the run writes, before any decoding (review S15: an unwritable data folder failed after the work).
  checkWritableFolders([
    { dir: dirs.userModelsDir, what: 'the models folder' },
    { dir: dirs.checkpointsDir, what: 'the checkpoints folder' },
    { dir: dirs.cacheDir, what: 'the edit features cache' },
    ...(dirs.benchmarkDir ? [{ dir: dirs.benchmarkDir, what: 'the base benchmark folder' }] : []),
    ...(req.activate ? [{ dir: dataHome(dirs.registry.env), what: 'the data folder (its active-model pointer)' }] : []),
  ]);
  if (!req.videos && !dirs.feedback) throw usageError('finetune needs a folder of edits, feedback, or both');
  // Feedback alone with none recorded: say so and what to do, before anything is loaded (it read
  // "feedback: too few usable music edits … (train windows 0, held-out 0)", naming no edits: review S12.5).
  if (!req.videos && dirs.feedback?.rows.length === 0) throw new NeedledropError('input', NO_JUDGEMENTS);
  const parent = await activeModel(dirs.registry);
  const model = await loadModel({ ...dirs.registry, version: parent });
  const warm = await readVersionWeights(model);
  const shape = { window: model.manifest.window, hop: req.hop ?? model.manifest.hop };
  const videosDir = req.videos ? resolve(req.videos) : null;
  const edits: EditsData = videosDir
    ? await loadEditPairs(videosDir, { ...shape, cacheDir: dirs.cacheDir, signal: job.signal, onProgress: (p) => job.progress('features', p.done, p.total) })
    : { data: emptyData(shape), videos: [], skipped: [] };
  const { data } = edits;
  // The folder's edits, before skipped judgements join the list: "1 of 3 edits usable".
  const listedEdits = edits.videos.length + edits.skipped.length;
  let judged: { accepted: number; rejected: number; pairs: number; negatives: number } | null = null;
  // Rejections of training-split clips only: a held-out clip's windows stay out of training.
  let negatives: PairSample[] = [];
  if (dirs.feedback) {
    // A judged clip that is also an edit keeps the edit's split (and shares its class: clipClass).
    const splits = new Map(edits.videos.map((v) => [v.file, v.split]));
    const fb = await feedbackPairs(dirs.feedback.rows, dirs.feedback.trackAudio, { ...shape, splits, signal: job.signal, ...(dirs.feedback.trackName ? { trackName: dirs.feedback.trackName } : {}) });
    data.pairs = [...data.pairs, ...fb.pairs].map((p, i) => ({ ...p, index: i }));
    negatives = fb.negatives.filter((p) => p.split === 'train');
    edits.skipped.push(...fb.skipped);
    judged = { accepted: fb.accepted, rejected: fb.rejected, pairs: fb.pairs.length, negatives: negatives.length };
  }
  if (data.pairs.length > 0) data.dims = { video: data.pairs[0].video.seq.D, audio: data.pairs[0].audio.seq.D };
  for (const side of ['video', 'audio'] as const) {
    const want = model.manifest.featureSpec[side];
    if (data.pairs.length > 0 && data.spec[side] !== want) throw inputError(join(model.dir, MANIFEST_FILE), `active model "${parent}" was trained on ${side} spec ${want}, this build extracts ${data.spec[side]}`);
  }
  const train = bySplit(data, 'train');
  const val = bySplit(data, 'val');
  if (train.length < 2 || val.length < 1) {
    // How many of what was given were usable, and why each other one was not (it said only "train windows 1, held-out 0").
    const usable = [
      ...(videosDir ? [`${edits.videos.length} of ${listedEdits} edit${listedEdits === 1 ? '' : 's'} usable`] : []),
      ...(judged ? [`${judged.pairs} window${judged.pairs === 1 ? '' : 's'} from ${judged.accepted} accepted judgement${judged.accepted === 1 ? '' : 's'}`] : []),
    ].join(', ');
    const why = edits.skipped.map((s) => `${s.file}: ${s.reason}`).join('; ');
    throw inputError(
      videosDir ?? 'feedback',
      `too few usable ${videosDir ? 'edits' : 'judgements'} to fine-tune: ${usable}, giving ${train.length} training and ${val.length} held-out window${val.length === 1 ? '' : 's'} (at least 2 and 1 needed)${why ? `. Skipped: ${why}` : ''}`,
    );
  }
  // A run whose batches are all of one clip learns nothing from its pairs (review R1.2): refused before
  // the benchmark and the training when nothing else trains either, said in the notes when the
  // rejections (hard negatives) are all that trains.
  let oneClassNote: string | null = null;
  if (!batchesCanHoldNegatives(train)) {
    const why = oneClassWhy(train, dirs.feedback?.trackName);
    if (negatives.length === 0) {
      throw inputError(
        videosDir ?? 'feedback',
        `nothing to learn from: ${why}, so every training batch holds the windows of one clip only, with no other music to rank below theirs, and the fine-tuned version would equal its parent. Accept different tracks for different clips on the Match screen, or add a folder of finished edits`,
      );
    }
    oneClassNote = `only the ${negatives.length} rejected window${negatives.length === 1 ? '' : 's'} trained: ${why}, so no training batch held other music to rank below the accepted pairs' and they taught nothing beside the rejections. Accept different tracks for different clips on the Match screen, or add a folder of finished edits`;
  }
  const headsOnly = req.headsOnly ?? train.length < HEADS_ONLY_BELOW;
  const steps = req.steps ?? 300;

  await useBackend('wasm');
  const benchmark = dirs.benchmarkDir
    ? await baseBenchmarkPairs(dirs.benchmarkDir, { window: model.manifest.window, hop: model.manifest.hop }, { signal: job.signal, onProgress: (p) => job.progress(`benchmark-${p.phase}`, p.done, p.total) })
    : null;
  // One held-out source has no other music to rank against: nothing to compare, nothing computed.
  // Sources with too few windows do not count (MIN_HELD_OUT_WINDOWS), nor enter the comparison.
  const comparison = heldOutComparison(val);
  const heldOutEdits = comparison.sources.length;
  const compared = heldOutEdits >= MIN_HELD_OUT_EDITS ? comparison : null;
  const embedder = await onnxEmbedder(model, 'cpu');
  let before: MethodReport | null = null;
  let baseBefore: MethodReport | null = null;
  try {
    if (compared) before = await evaluateHeldOut(`parent ${parent}`, compared.windows, embedder);
    if (benchmark) baseBefore = await evaluateEmbedder(`parent ${parent}`, benchmark, embedder);
  } finally {
    await embedder.close();
  }
  // Half the held-out sources (when there are enough) are kept for the match calibration: early
  // stopping never sees them (they are passed as 'test'); the other half early-stops and checks it.
  const plan = finetuneCalibrationPlan(data);
  const trainingData = `${videosDir ? `edits in ${videosDir}: ${edits.videos.length} videos` : 'no edits'}${judged ? `, feedback: ${judged.accepted} accepted (${judged.pairs} windows), ${judged.rejected} rejected (${judged.negatives} training windows as hard negatives)` : ''}; ${train.length} train / ${val.length} held-out windows, ${edits.skipped.length} skipped`;
  const checkpointDir = join(dirs.checkpointsDir, req.version);
  const result = await trainDualEncoder(
    plan.stoppingData,
    {
      loss: 'infonce',
      // Windows of one video share its class: positives of each other, never negatives.
      positives: 'mood',
      steps,
      lr: req.lr ?? 5e-4,
      warmup: Math.min(20, Math.floor(steps / 10)),
      batchSize: Math.min(req.batch ?? 64, train.length),
      seed: req.seed ?? 1,
      evalEvery: Math.max(5, Math.round(steps / 10)),
      patience: 4,
      hidden: warm.hidden,
      outDim: warm.outDim,
      convLayers: warm.convLayers,
      headsOnly,
    },
    {
      initialWeights: warm.weights,
      // The parent is a candidate: a run none of whose steps beats it keeps its weights (review R1.6).
      parentIsCandidate: true,
      ...(negatives.length > 0 ? { hardNegatives: { pairs: negatives } } : {}),
      anchor: req.anchor ?? FINETUNE_ANCHOR,
      signal: job.signal,
      checkpointDir,
      dataSource: trainingData,
      onCheckpoint: (e) => job.progress('checkpoint', 'resumed' in e ? e.resumed.step : 0, 'resumed' in e ? e.resumed.steps : e.steps, { item: checkpointNote(e) }),
      onProgress: (p: TrainProgress) => job.progress('train', p.step, p.steps, { metrics: progressMetrics(p) }),
    },
  );
  const tf = tfEmbedder(result, data);
  let after: MethodReport | null = null;
  let baseAfter: MethodReport | null = null;
  try {
    if (compared) after = await evaluateHeldOut(`fine-tuned ${req.version}`, compared.windows, tf);
    if (benchmark) baseAfter = await evaluateEmbedder(`fine-tuned ${req.version}`, benchmark, tf);
  } finally {
    tf.dispose();
  }
  const base = baseBefore && baseAfter ? { before: baseBefore, after: baseAfter } : null;
  const stopping = new Set(result.valMetric === 'none' ? [] : bySplit(plan.stoppingData, 'val').map((p) => p.id));
  const heldOut: HeldOutComparison =
    before && after && compared
      ? { edits: heldOutEdits, before, after, reason: null, windows: compared.windows.length, selectedOn: compared.windows.filter((p) => stopping.has(p.id)).length }
      : { edits: heldOutEdits, before: null, after: null, reason: heldOutTooFew(heldOutEdits, HELD_OUT_SHARE, comparison.sources, comparison.short) };
  const noBetter = noBetterThanParent({ parent, bestStep: result.bestStep, validated: result.valMetric !== 'none', heldOut, base });
  job.progress('evaluate', 1, 1, {
    metrics: {
      ...(heldOut.reason === null ? { heldOutBeforeR10: heldOut.before.videoToMusic.recall10, heldOutAfterR10: heldOut.after.videoToMusic.recall10 } : {}),
      ...(base ? { baseBeforeR10: base.before.videoToMusic.recall10, baseAfterR10: base.after.videoToMusic.recall10, baseBeforeR1: base.before.videoToMusic.recall1, baseAfterR1: base.after.videoToMusic.recall1 } : {}),
    },
  });
  // A version of this name made while it trained keeps it: this run is saved beside, under the next free name, as train's are.
  const target = saveTarget(outDir, req.version);
  const manifest = await saveTrainedModel(target.outDir, result, data, {
    version: target.version,
    parent,
    trainingData,
    // Both evaluations, parent (before) and this version (after) on the same queries (held-out: none, with the reason, when too few edits).
    metrics: { evaluations: { heldOut, base: base ? { ...base, corpus: { ...BASE_BENCHMARK, pairs: benchmark?.length } } : null } },
    extra: { finetune: { headsOnly, feedback: judged, videos: edits.videos.map((v) => ({ file: v.file, split: v.split, windows: v.windows })), skipped: edits.skipped } },
  });
  // The version is saved: nothing is left to resume, and another run of this name must start afresh.
  removeCheckpoint(checkpointDir);
  // The match calibration on the held-out share early stopping never saw, checked on the share that
  // early-stopped it (under 2 × MIN_CALIBRATION_PAIRS sources, or a failed check: none, the standing only).
  if (plan.calibration.length > 0) {
    await calibrateOnHeldOut(target.outDir, plan.calibration, `fine-tuned ${target.version}, held-out edits of ${videosDir ?? 'the feedback'} that early stopping never saw`, { signal: job.signal, check: plan.check, domain: 'edits' });
  }
  // A version no better than its parent is never activated by the request (review R1.6): noBetter says why.
  const activation = req.activate && noBetter === null ? await activateSaved(target.version, dirs.registry) : { activated: false, notes: [] };
  return {
    version: target.version,
    parent,
    dir: target.outDir,
    activated: activation.activated,
    noBetter,
    headsOnly,
    videos: edits.videos,
    skipped: edits.skipped,
    pairs: { train: train.length, val: val.length },
    heldOut,
    base,
    bestStep: result.bestStep,
    stepsRun: result.stepsRun,
    stoppedEarly: result.stoppedEarly,
    resumedAt: result.resumedAt,
    notes: [...(target.kept ? [target.kept] : []), ...(oneClassNote ? [oneClassNote] : []), ...heldOutNotes(val.length, compared, bySplit(plan.stoppingData, 'val')), ...activation.notes],
    seconds: result.seconds,
    manifest,
  };
}
