/**
 * A model version on disk: a folder with video.onnx, audio.onnx and model.json.
 * Loading verifies each file's sha256, its encoder shape and the feature spec, and refuses
 * anything corrupted or mismatched with an input error naming the file and the cause.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { inputError, NeedledropError, usageError } from '../errors';
import type { Modality } from '../features/types';
import { readOnnxSignature } from '../encoders/onnx-signature';
import { writeFileAtomicAsync } from '../util/atomic-write';
import { errorMessage } from '../util/error-message';

export const MANIFEST_FILE = 'model.json';
export const ENCODER_FILES = { video: 'video.onnx', audio: 'audio.onnx' } as const;
type EncoderFile = (typeof ENCODER_FILES)[Modality];

export interface FeatureSpecPair {
  audio: string;
  video: string;
}

export interface ModelManifest {
  version: string;
  featureSpec: FeatureSpecPair;
  /** Steps per segment and between segment starts. */
  window: number;
  hop: number;
  dims: { audioIn: number; videoIn: number; out: number };
  loss: string;
  training: { data: string; seed: number; steps: number; [key: string]: unknown };
  metrics: Record<string, unknown>;
  sha256: Record<EncoderFile, string>;
  /** The version this one was trained from, or null for a version trained from scratch. */
  parent: string | null;
  createdAt: string;
}

export type NewModelVersion = Omit<ModelManifest, 'sha256' | 'createdAt'> & {
  video: Uint8Array;
  audio: Uint8Array;
  createdAt?: string;
};

export interface LoadedModel {
  dir: string;
  manifest: ModelManifest;
  paths: Record<Modality, string>;
}

/** Version names become folder names: keep them portable. */
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkVersionName(version: string): void {
  if (!VERSION_NAME.test(version)) throw usageError(`invalid model version name "${version}" (letters, digits, . _ -; at most 64)`);
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Field-by-field check of a parsed model.json; returns the first problem, or null. */
function manifestProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'not a JSON object';
  if (typeof doc.version !== 'string' || !VERSION_NAME.test(doc.version)) return 'field "version" missing or not a valid name';
  const spec = doc.featureSpec;
  if (!isObject(spec) || typeof spec.audio !== 'string' || typeof spec.video !== 'string') return 'field "featureSpec" must hold strings "audio" and "video"';
  if (!isCount(doc.window) || !isCount(doc.hop)) return 'fields "window" and "hop" must be positive integers';
  const dims = doc.dims;
  if (!isObject(dims) || !isCount(dims.audioIn) || !isCount(dims.videoIn) || !isCount(dims.out)) return 'field "dims" must hold positive integers audioIn, videoIn, out';
  if (typeof doc.loss !== 'string') return 'field "loss" missing';
  if (!isObject(doc.training)) return 'field "training" missing';
  if (!isObject(doc.metrics)) return 'field "metrics" missing';
  const sums = doc.sha256;
  for (const file of Object.values(ENCODER_FILES)) {
    if (!isObject(sums) || typeof sums[file] !== 'string' || !/^[0-9a-f]{64}$/.test(sums[file])) return `field "sha256" lacks a hex digest for ${file}`;
  }
  if (doc.parent !== null && typeof doc.parent !== 'string') return 'field "parent" must be a version name or null';
  if (typeof doc.createdAt !== 'string' || Number.isNaN(Date.parse(doc.createdAt))) return 'field "createdAt" must be an ISO date';
  return null;
}

/** Read and validate model.json only (no file hashing): cheap enough for listing. */
export async function readManifest(dir: string): Promise<ModelManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw inputError(file, existsSync(dir) ? 'missing: this folder is not a model version' : 'model version folder does not exist');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw inputError(file, `not valid JSON (${errorMessage(err)})`, err);
  }
  const problem = manifestProblem(doc);
  if (problem) throw inputError(file, problem);
  const manifest = doc as ModelManifest;
  if (manifest.version !== basename(dir)) throw inputError(file, `names version "${manifest.version}" but lives in folder "${basename(dir)}"`);
  return manifest;
}

/** Expected encoder shape of each modality, from the manifest. */
function expectedShape(manifest: ModelManifest, modality: Modality): { window: number; inDim: number; outDim: number } {
  return { window: manifest.window, inDim: modality === 'video' ? manifest.dims.videoIn : manifest.dims.audioIn, outDim: manifest.dims.out };
}

/** Why these encoder bytes do not fit the manifest, or null. */
function encoderProblem(bytes: Uint8Array, manifest: ModelManifest, modality: Modality): string | null {
  let sig;
  try {
    sig = readOnnxSignature(bytes);
  } catch (err) {
    return errorMessage(err);
  }
  const want = expectedShape(manifest, modality);
  if (sig.window !== want.window || sig.inDim !== want.inDim || sig.outDim !== want.outDim) {
    return `encoder takes [batch, ${sig.window}, ${sig.inDim}] → [batch, ${sig.outDim}] but model.json says [batch, ${want.window}, ${want.inDim}] → [batch, ${want.outDim}]`;
  }
  return null;
}

/**
 * Load a model version, verifying both encoders' sha256 and shapes, and (when given) that the
 * feature spec it was trained on is the one this build extracts.
 */
export async function loadModelVersion(dir: string, options: { expectedSpec?: Partial<FeatureSpecPair> } = {}): Promise<LoadedModel> {
  const manifest = await readManifest(dir);
  const manifestFile = join(dir, MANIFEST_FILE);
  for (const modality of ['audio', 'video'] as const) {
    const want = options.expectedSpec?.[modality];
    if (want !== undefined && manifest.featureSpec[modality] !== want) {
      throw inputError(
        manifestFile,
        `feature spec mismatch for ${modality}: model "${manifest.version}" was trained on spec "${manifest.featureSpec[modality]}", this build extracts "${want}"; activate a matching version or train a new one`,
      );
    }
  }
  const paths = { video: join(dir, ENCODER_FILES.video), audio: join(dir, ENCODER_FILES.audio) };
  for (const modality of ['video', 'audio'] as const) {
    const file = paths[modality];
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      throw inputError(file, 'missing or unreadable encoder file');
    }
    const expected = manifest.sha256[ENCODER_FILES[modality]];
    const actual = sha256(bytes);
    if (actual !== expected) {
      throw inputError(file, `sha256 mismatch (model.json says ${expected.slice(0, 12)}…, file is ${actual.slice(0, 12)}…): the file is corrupted or was changed after the model was saved`);
    }
    const problem = encoderProblem(bytes, manifest, modality);
    if (problem) throw inputError(file, problem);
  }
  return { dir, manifest, paths };
}

/**
 * Write a new model version folder. Encoders first, model.json last (via rename), so a folder
 * without model.json is never mistaken for a finished version. Refuses to overwrite one.
 */
export async function saveModelVersion(dir: string, model: NewModelVersion): Promise<ModelManifest> {
  checkVersionName(model.version);
  if (basename(dir) !== model.version) throw usageError(`model version "${model.version}" must be saved in a folder of that name, not "${basename(dir)}"`);
  if (existsSync(join(dir, MANIFEST_FILE))) throw usageError(`model version "${model.version}" already exists at ${dir}`);
  const { video, audio, createdAt, ...rest } = model;
  const manifest: ModelManifest = {
    ...rest,
    sha256: { 'video.onnx': sha256(video), 'audio.onnx': sha256(audio) },
    createdAt: createdAt ?? new Date().toISOString(),
  };
  const problem = manifestProblem(manifest) ?? encoderProblem(video, manifest, 'video') ?? encoderProblem(audio, manifest, 'audio');
  if (problem) throw new NeedledropError('internal', `cannot save model version "${model.version}": ${problem}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ENCODER_FILES.video), video);
  await writeFile(join(dir, ENCODER_FILES.audio), audio);
  await writeFileAtomicAsync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
