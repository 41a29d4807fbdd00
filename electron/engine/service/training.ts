/**
 * The training workflows, written once: corpus → descriptors → train → evaluate → save →
 * (activate); evaluation of a model against the baselines; the per-loss comparison. The CLI's
 * `train`, `eval`, `corpus`, `npm run train:base` and the app's Train screen all run these.
 */
import { dirname, join, resolve } from 'node:path';
import { EngineError } from '../../contract/errors';
import { chanceReport, recallIsTrivial } from '../../contract/wording';
import { segmentWindows } from '../encoders/segments';
import { NeedledropError } from '../errors';
import type { CorpusResult, RetrievalReport, TrainResult as TrainSummary } from '../../contract/types';
import { calibrateOnHeldOut, calibrateOnPairs } from '../app/match-calibration';
export { baseCalibrationData } from '../app/match-calibration';
import { generateCorpus, loadCorpus as readCorpusManifest } from '../corpus/generate';
import { pairsForSplitsOver, pairsToTrain, splitShortfall } from '../corpus/plan';
import { useBackend, type BackendName } from '../metric/backend';
import { LOSS_NAMES, type LossName } from '../metric/losses';
import { activeModel, checkNewVersion, loadModel, resolveModel, type RegistryOptions } from '../models/registry';
import type { ModelManifest } from '../models/version';
import { bySplit, loadTrainingData, type PairSample, type TrainingData } from '../train/dataset';
import { evaluateEmbedder, handMadeBaseline, oracleBaseline, randomBaseline, type MethodReport } from '../train/eval';
import { activateSaved, onnxEmbedder, saveTarget, saveTrainedModel, tfEmbedder } from '../train/export';
import { removeCheckpoint } from '../train/checkpoint';
import { dataHome } from '../paths';
import { checkWritableFolders } from '../util/writable';
import { checkpointNote, progressMetrics, trainDualEncoder, validationNote, type CheckpointEvent, type TrainConfig, type TrainProgress, type TrainResult } from '../train/trainer';
import type { ProviderRequest } from '../encoders/providers';
import type { JobHandle } from './jobs';

export function checkLoss(name: string): LossName {
  if (!(LOSS_NAMES as readonly string[]).includes(name)) {
    throw new EngineError({ code: 'invalid-request', message: `unknown loss "${name}" (one of ${LOSS_NAMES.join(', ')})` });
  }
  return name as LossName;
}

/** Corpus descriptors (cached after the first run), reported as the 'features' phase. */
export function loadCorpus(dir: string, job: JobHandle, limit?: number): Promise<TrainingData> {
  return loadTrainingData(resolve(dir), { ...(limit !== undefined && { limit }), signal: job.signal, onProgress: (p) => job.progress('features', p.done, p.total) });
}

export function trainProgress(job: JobHandle, phase = 'train'): (p: TrainProgress) => void {
  return (p) => job.progress(phase, p.step, p.steps, { metrics: progressMetrics(p) });
}

/** A checkpoint resumed or set aside, said as a 'checkpoint' phase whose item is the sentence (the CLI prints it). */
export function checkpointProgress(job: Pick<JobHandle, 'progress'>): (e: CheckpointEvent) => void {
  return (e) => ('resumed' in e ? job.progress('checkpoint', e.resumed.step, e.resumed.steps, { item: checkpointNote(e) }) : job.progress('checkpoint', 0, e.steps, { item: checkpointNote(e) }));
}

/** The headline metric's K: Recall@10 (n/a on a gallery under 2K: contract/wording's recallIsTrivial). */
const HEADLINE_K = 10;

/** What the user should know about a corpus's splits before reading the run's figures (none when they are large enough). */
export function splitNotes(data: TrainingData, positives: 'pair' | 'mood' = 'pair'): string[] {
  const val = bySplit(data, 'val');
  const test = bySplit(data, 'test').length;
  const notes: string[] = [];
  const selection = validationNote(val, positives, 'pairs', 'the val split');
  if (selection) notes.push(selection);
  if (recallIsTrivial(HEADLINE_K, { gallery: test })) {
    // The rule itself is said beside the table (RECALL_NA_RULE), once.
    notes.push(`the test split has ${test} pairs, fewer than ${2 * HEADLINE_K}, so Recall@10 is n/a; read the figures against the chance row and the earlier model scored on the same ${test} pairs`);
  }
  // The smallest corpus whose val split is validated on Recall@10 and whose test split gives it.
  if (notes.length > 0) notes.push(`a corpus of ${pairsForSplitsOver(2 * HEADLINE_K - 1)} pairs or more has val and test splits of ${2 * HEADLINE_K} or more`);
  return notes;
}

/**
 * The model a corpus-trained version is read against, scored on the SAME test pairs (review R1.13:
 * the Train screen set base over its 398 test pairs beside a new version over 6, so a version at
 * chance read as better on every row): the parent when one is named, else the version active when
 * the run started. Its windows are cut at its own window and hop. Null with the reason when it
 * cannot be scored on them (another feature spec, a missing or damaged version): the run goes on.
 */
export async function referenceOnTest(
  parent: string | null,
  data: TrainingData,
  registry: RegistryOptions,
  provider: ProviderRequest = 'cpu',
): Promise<{ report: MethodReport & { version: string }; why: null } | { report: null; why: string }> {
  let label = parent !== null ? `parent ${parent}` : 'the active version';
  try {
    const version = parent ?? (await activeModel(registry));
    label = `${parent !== null ? 'parent' : 'active'} ${version}`;
    const model = await loadModel({ ...registry, version, expectedSpec: data.spec });
    const shape = { window: model.manifest.window, hop: model.manifest.hop };
    const test = bySplit(data, 'test');
    const items =
      shape.window === data.window && shape.hop === data.hop
        ? test
        : test.map((p) => ({ ...p, video: { ...p.video, segments: segmentWindows(p.video.seq, shape) }, audio: { ...p.audio, segments: segmentWindows(p.audio.seq, shape) } }));
    const embedder = await onnxEmbedder(model, provider);
    try {
      return { report: { ...(await evaluateEmbedder(label, items, embedder)), version }, why: null };
    } finally {
      await embedder.close();
    }
  } catch (err) {
    // A version that cannot be read or does not fit these features; anything else is a fault to see.
    if (!(err instanceof NeedledropError) || err.kind === 'cancelled' || err.kind === 'internal') throw err;
    return { report: null, why: `${label} was not scored on the test pairs: ${err.message}` };
  }
}

export async function makeCorpus(
  req: { out: string; pairs: number; seed: number; trackSeconds?: number; clipSeconds?: number; jobs?: number; holdOut?: boolean },
  job: JobHandle,
): Promise<CorpusResult & { heldOut: unknown; seed: number }> {
  const t0 = performance.now();
  const manifest = await generateCorpus({
    outDir: resolve(req.out),
    pairs: req.pairs,
    seed: req.seed,
    jobs: req.jobs ?? 2,
    ...(req.clipSeconds !== undefined ? { clipSeconds: req.clipSeconds } : {}),
    ...(req.trackSeconds !== undefined ? { trackSeconds: req.trackSeconds } : {}),
    holdOut: req.holdOut ?? true,
    signal: job.signal,
    onProgress: (p) => job.progress('corpus', p.done, p.total),
  });
  return { dir: resolve(req.out), pairs: manifest.pairs.length, seed: manifest.seed, heldOut: manifest.heldOut, seconds: (performance.now() - t0) / 1000 };
}

export interface TrainWorkflow {
  data: TrainingData;
  config: Partial<TrainConfig> & { loss: LossName };
  version: string;
  /** Folder the version is written to (it must not exist yet unless `replace`). */
  outDir: string;
  parent: string | null;
  trainingData: string;
  checkpointDir?: string;
  backend?: BackendName;
  /** Rebuild the folder (the shipped base model); otherwise an existing version is refused. */
  replace?: boolean;
  /** Held-out pairs to fit the match calibration on instead of the test split (train:base: its corpus's pairs after the ones it trained on). */
  calibration?: { pairs: readonly PairSample[]; data: string };
  /** Extra methods to evaluate on the test split beside the model (baselines). */
  baselines?: boolean;
  /** The model read against, scored on the same test split (referenceOnTest): recorded in model.json beside the chance figures. */
  reference?: Awaited<ReturnType<typeof referenceOnTest>>;
  extra?: Record<string, unknown>;
}

export interface TrainOutcome {
  /** Where the version was saved: `w.outDir`, or a free name beside it when that one was taken meanwhile (`kept`). */
  outDir: string;
  /** Said when the run was saved under another name than asked: the weights are kept, not lost (review R1.12). */
  kept?: string;
  manifest: ModelManifest;
  result: TrainResult;
  test: MethodReport;
  baselines: MethodReport[];
  /** What ranking at random scores on the test split (contract/wording chanceReport). */
  chance: MethodReport;
  backend: string;
}

/** Train → evaluate on the test split → save the version. Nothing is written until training succeeded. */
export async function trainAndSave(w: TrainWorkflow, job: JobHandle): Promise<TrainOutcome> {
  // A version of that name is refused before the features (checkNewVersion); one made since is met at the save.
  const backend = await useBackend(w.backend ?? 'wasm');
  const result = await trainDualEncoder(w.data, w.config, {
    signal: job.signal,
    onProgress: trainProgress(job),
    ...(w.checkpointDir ? { checkpointDir: w.checkpointDir, dataSource: w.trainingData, onCheckpoint: checkpointProgress(job) } : {}),
  });
  const testItems = bySplit(w.data, 'test');
  const embedder = tfEmbedder(result, w.data);
  let test: MethodReport;
  try {
    test = await evaluateEmbedder(w.version, testItems, embedder);
  } finally {
    embedder.dispose();
  }
  const baselines = w.baselines ? [handMadeBaseline(testItems), randomBaseline(testItems, w.data.manifest.seed), oracleBaseline(testItems)] : [];
  const chance = chanceReport(testItems.length);
  if (w.replace) {
    const { rmSync } = await import('node:fs');
    rmSync(w.outDir, { recursive: true, force: true });
  }
  // A version of this name made while it trained keeps it: saved beside, under the next free name (saveTarget).
  const target = w.replace ? { version: w.version, outDir: w.outDir } : saveTarget(w.outDir, w.version);
  const { kept } = target;
  const manifest = await saveTrainedModel(target.outDir, result, w.data, {
    version: target.version,
    parent: w.parent,
    trainingData: w.trainingData,
    // The reference and chance on the same test pairs, so the figures are read like with like (review R1.13).
    metrics: { test, ...(w.reference ? { reference: w.reference.report, ...(w.reference.why !== null ? { referenceWhy: w.reference.why } : {}), chance } : {}), ...(baselines.length ? { baselines } : {}) },
    ...(w.extra ? { extra: w.extra } : {}),
  });
  // The version is saved: nothing is left to resume, and another run of this name must start afresh.
  if (w.checkpointDir) removeCheckpoint(w.checkpointDir);
  // The match calibration (a replaced folder lost its old one): on the pairs given, else the test split (under 10 test pairs: none, the library fallback).
  // Into the folder it was saved in: the one of the name asked may be another's (saveTarget).
  if (w.calibration) await calibrateOnPairs(target.outDir, w.calibration.pairs, w.calibration.data, { signal: job.signal });
  else await calibrateOnHeldOut(target.outDir, testItems, `${target.version}: the test split of ${w.trainingData}`, { signal: job.signal });
  return { outDir: target.outDir, ...(kept ? { kept } : {}), manifest, result, test, baselines, chance, backend };
}

/** Refuses a corpus whose splits cannot be trained and scored, from its manifest (before its descriptors are computed). */
export function checkTrainable(corpus: string): void {
  const counts = { train: 0, val: 0, test: 0 };
  for (const p of readCorpusManifest(resolve(corpus)).pairs) counts[p.split]++;
  const short = splitShortfall(counts);
  if (short !== null) {
    throw new EngineError({ code: 'bad-input', message: `${resolve(corpus)}: ${short}; make a corpus of ${pairsToTrain()} pairs or more`, file: resolve(corpus) });
  }
}

/** The `train` operation: a version trained on a corpus under the user's models folder. */
export async function trainOnCorpus(
  req: {
    corpus: string;
    version: string;
    loss?: string;
    steps?: number;
    batch?: number;
    lr?: number;
    seed?: number;
    positives?: 'pair' | 'mood';
    backend?: BackendName;
    out?: string;
    parent?: string;
    activate?: boolean;
  },
  dirs: { userModelsDir: string; checkpointsDir: string; registry: RegistryOptions },
  job: JobHandle,
): Promise<TrainSummary & { manifest: ModelManifest; backend: string }> {
  const loss = checkLoss(req.loss ?? 'infonce');
  const outDir = join(resolve(req.out ?? dirs.userModelsDir), req.version);
  // Only the models folder's versions are listed and can be active (review S16: it was found out after the run).
  if (req.activate && dirname(outDir) !== resolve(dirs.userModelsDir)) {
    throw new NeedledropError('usage', `train: "activate" needs the version in the models folder ${resolve(dirs.userModelsDir)}, not in ${dirname(outDir)}`);
  }
  checkNewVersion(req.version, outDir, dirs.registry);
  // What the run writes, before its features are computed (review S15: an unwritable data folder failed at the first checkpoint).
  checkWritableFolders([
    { dir: dirname(outDir), what: req.out ? 'the output folder' : 'the models folder' },
    { dir: dirs.checkpointsDir, what: 'the checkpoints folder' },
    ...(req.activate ? [{ dir: dataHome(dirs.registry.env), what: 'the data folder (its active-model pointer)' }] : []),
  ]);
  if (req.parent !== undefined) await checkParent(req.parent, req.version, dirs.registry);
  checkTrainable(req.corpus);
  const data = await loadCorpus(req.corpus, job);
  // Scored before training: a few test pairs through ONNX, and the active version may change while it trains.
  const reference = await referenceOnTest(req.parent ?? null, data, dirs.registry);
  const out = await trainAndSave(
    {
      data,
      config: {
        loss,
        positives: req.positives ?? 'pair',
        ...(req.steps !== undefined ? { steps: req.steps } : {}),
        ...(req.batch !== undefined ? { batchSize: req.batch } : {}),
        ...(req.lr !== undefined ? { lr: req.lr } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
      },
      version: req.version,
      outDir,
      parent: req.parent ?? null,
      trainingData: `corpus ${data.manifest.seed} (${data.pairs.length} pairs) at ${resolve(req.corpus)}`,
      checkpointDir: join(dirs.checkpointsDir, req.version),
      reference,
      ...(req.backend ? { backend: req.backend } : {}),
    },
    job,
  );
  const activation = req.activate ? await activateSaved(out.manifest.version, dirs.registry) : { activated: false, notes: [] };
  return {
    version: out.manifest.version,
    dir: out.outDir,
    bestStep: out.result.bestStep,
    stepsRun: out.result.stepsRun,
    stoppedEarly: out.result.stoppedEarly,
    resumedAt: out.result.resumedAt,
    notes: [...(out.kept ? [out.kept] : []), ...splitNotes(data, req.positives ?? 'pair'), ...activation.notes],
    seconds: out.result.seconds,
    test: out.test as unknown as RetrievalReport,
    reference: reference.report as unknown as RetrievalReport | null,
    ...(reference.why !== null ? { referenceWhy: reference.why } : {}),
    chance: out.chance as unknown as RetrievalReport,
    activated: activation.activated,
    manifest: out.manifest,
    backend: out.backend,
  };
}

/**
 * A parent is a version that exists (review S12.7: "--parent ghost" was recorded, listed as the
 * parent, and rollback's "else to the parent" would have pointed at nothing).
 */
async function checkParent(parent: string, version: string, registry: RegistryOptions): Promise<void> {
  try {
    await resolveModel(parent, registry);
  } catch (err) {
    if (err instanceof NeedledropError && err.code === 'no-model') {
      throw new NeedledropError('usage', `no model version "${parent}" to be the parent of "${version}"`, { code: 'no-model' });
    }
    throw err;
  }
}

/**
 * The loss comparison's warm-up at every budget: its protocol and recorded tables
 * (docs/eval-losses.md, scripts/bench/loss-table.ts through `evaluate`) are a fixed 100 steps,
 * kept so they reproduce; `train` scales it with the run (defaultWarmup).
 */
export const LOSS_TABLE_WARMUP = 100;

export interface EvaluateRequest {
  corpus: string;
  model?: string;
  provider?: ProviderRequest;
  split?: 'test' | 'val' | 'train' | 'all';
  losses?: 'all' | string[];
  steps?: number;
  seed?: number;
  positives?: 'pair' | 'mood';
  backend?: BackendName;
}

export interface Evaluation {
  corpus: string;
  seed: number;
  split: string;
  pairs: number;
  provider: string;
  model: string;
  reports: MethodReport[];
  losses: MethodReport[];
}

/** A model version and the baselines on a corpus split; optionally every loss trained the same way. */
export async function evaluate(req: EvaluateRequest, registry: RegistryOptions, job: JobHandle): Promise<Evaluation> {
  // Each loss is trained on the corpus's train split and selected on its val split.
  if (req.losses) checkTrainable(req.corpus);
  const data = await loadCorpus(req.corpus, job);
  const split = req.split ?? 'test';
  const items = split === 'all' ? data.pairs : bySplit(data, split);
  if (items.length < 2) {
    throw new EngineError({ code: 'bad-input', message: `${req.corpus}: the ${split} split has ${items.length} pairs; generate a larger corpus`, file: req.corpus });
  }
  const version = req.model ?? (await activeModel(registry));
  const model = await loadModel({ ...registry, version, expectedSpec: data.spec });
  const embedder = await onnxEmbedder(model, req.provider ?? 'auto');
  let reports: MethodReport[];
  try {
    reports = [await evaluateEmbedder(`model ${version} (${model.manifest.loss})`, items, embedder)];
  } finally {
    await embedder.close();
  }
  reports.push(handMadeBaseline(items), randomBaseline(items, data.manifest.seed), oracleBaseline(items));

  const losses: MethodReport[] = [];
  if (req.losses) {
    const names = req.losses === 'all' ? [...LOSS_NAMES] : req.losses.map(checkLoss);
    await useBackend(req.backend ?? 'wasm');
    const steps = req.steps ?? 600;
    for (const loss of names) {
      const result = await trainDualEncoder(
        data,
        { loss, steps, warmup: LOSS_TABLE_WARMUP, seed: req.seed ?? 1, positives: req.positives ?? 'mood', evalEvery: Math.max(10, Math.round(steps / 8)) },
        { signal: job.signal, onProgress: trainProgress(job, `train ${loss}`) },
      );
      const tf = tfEmbedder(result, data);
      try {
        const r = await evaluateEmbedder(loss, items, tf);
        const kept = result.valMetric === 'none' ? 'no validation' : `val ${result.valMetric} ${result.bestValRecall10.toFixed(3)}`;
        losses.push({ ...r, method: `${loss} (best step ${result.bestStep}, ${kept})` });
      } finally {
        tf.dispose();
      }
    }
  }
  return { corpus: resolve(req.corpus), seed: data.manifest.seed, split, pairs: items.length, provider: embedder.provider, model: version, reports, losses };
}
