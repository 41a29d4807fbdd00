/**
 * A learned music space on disk: `music.onnx` (the trained encoder, opset 17, the same graph as
 * the model versions' encoders) and `space.json` (feature spec, window, hop, training summary,
 * sha256 of the ONNX file). Inference runs on onnxruntime-node; a track's vector is the
 * L2-normalised mean of its windows' embeddings.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { encoderToOnnx } from '../encoders/onnx-export';
import { openEncoder, type EncoderSession } from '../encoders/runtime';
import { segmentWindows } from '../encoders/segments';
import { inputError } from '../errors';
import type { FeatureSeq } from '../features/types';
import type { ProviderRequest } from '../encoders/providers';
import { sha256 } from '../models/version';
import { meanVector } from '../train/vectors';
import type { NamedWeights } from '../encoders/encoder';
import { selectColumns } from './columns';
import type { MusicSpaceTrainResult } from './train';
import { pidAlive } from '../util/pid';
import { errorMessage } from '../util/error-message';

export const SPACE_FILE = 'space.json';
export const SPACE_ONNX = 'music.onnx';
/** The trained weights as float32 base64, for a warm start when the library grows. */
export const SPACE_WEIGHTS = 'weights.json';

export interface SpaceManifest {
  kind: 'needledrop.music-space';
  /** Changes with every training: cached vectors of another id are stale. */
  id: string;
  featureSpec: string;
  inDim: number;
  /** The stored audio columns the encoder reads, in order (inDim of them). */
  columns: string[];
  window: number;
  /** Steps between window starts at inference. */
  hop: number;
  outDim: number;
  loss: string;
  training: { tracks: number; steps: number; seconds: number; lossStart: number; lossEnd: number; warmStart: boolean; config: unknown };
  sha256: string;
  createdAt: string;
}

/** Window hop at inference: a quarter window (4 s at the default 16 s windows). */
export const inferenceHop = (window: number): number => Math.max(1, Math.floor(window / 4));

let saves = 0;

/** Remove the part folders of `dir` left by savers that are gone (and the shared `.part` of older versions). */
async function removeDeadParts(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.part`;
  let names: string[];
  try {
    names = await readdir(dirname(dir));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^\.part-(\d+)-\d+$/.exec(name.slice(basename(dir).length));
    if (name === prefix || (pid && !pidAlive(Number(pid[1])))) await rm(join(dirname(dir), name), { recursive: true, force: true });
  }
}

/**
 * Write a trained space as a folder, replacing any there: written beside it and renamed into
 * place, so a crash leaves the old space or the new one, never half of one.
 */
export async function saveMusicSpace(dir: string, result: MusicSpaceTrainResult, meta: { featureSpec: string; warmStart: boolean }): Promise<SpaceManifest> {
  const { config } = result;
  const inDim = result.weights['standardise.mean'].shape[0];
  // TF.js only here, where a trained space is written: opening and reading spaces load none.
  const { createEncoder } = await import('../encoders/encoder');
  const encoder = createEncoder({ inDim, window: config.window, hidden: config.hidden, outDim: config.outDim, convLayers: 2, seed: 0 });
  let onnx: Uint8Array;
  try {
    encoder.setWeights(result.weights);
    onnx = encoderToOnnx(encoder.getWeights(), encoder.config, { name: 'music' });
  } finally {
    encoder.dispose();
  }
  const manifest: SpaceManifest = {
    kind: 'needledrop.music-space',
    id: sha256(onnx).slice(0, 16),
    featureSpec: meta.featureSpec,
    inDim,
    columns: result.columns,
    window: config.window,
    hop: inferenceHop(config.window),
    outDim: config.outDim,
    loss: config.loss,
    training: {
      tracks: result.tracks,
      steps: config.steps,
      seconds: Math.round(result.seconds),
      lossStart: result.lossStart,
      lossEnd: result.lossEnd,
      warmStart: meta.warmStart,
      config,
    },
    sha256: sha256(onnx),
    createdAt: new Date().toISOString(),
  };
  // A part folder of this save's own: two processes saving the space at once (the app and the CLI)
  // would otherwise empty each other's shared `.part` mid-write. Those of dead savers are removed.
  const part = `${dir}.part-${process.pid}-${++saves}`;
  const old = `${dir}.old`;
  await removeDeadParts(dir);
  await mkdir(part, { recursive: true });
  await writeFile(join(part, SPACE_ONNX), onnx);
  await writeFile(join(part, SPACE_WEIGHTS), JSON.stringify(encodeWeights(result.weights)));
  await writeFile(join(part, SPACE_FILE), JSON.stringify(manifest, null, 2) + '\n');
  await swapIn(part, dir, old);
  // A saver that moved its predecessor into `old` meanwhile removes it itself when it is done.
  await rm(old, { recursive: true, force: true }).catch((e: unknown) => {
    if (!RACE_CODES.has(code(e) ?? '')) throw e;
  });
  return manifest;
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/**
 * Move the folder `part` to `dir`, the space there aside to `old` first (a folder cannot be renamed
 * over a non-empty one). Another saver may move `dir` in between (ENOENT), land its own first
 * (ENOTEMPTY), or move a space into `old` while this one empties it (ENOTEMPTY from rm or rename):
 * then try again after a short pause, so the last one wins and every space stays whole. (Only the
 * last step was retried: 3 savers at once failed 7 saves in 200 with ENOTEMPTY on `.old`.)
 */
async function swapIn(part: string, dir: string, old: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rm(old, { recursive: true, force: true });
      await rename(dir, old).catch((e: unknown) => {
        if (code(e) !== 'ENOENT') throw e;
      });
      await rename(part, dir);
      return;
    } catch (e) {
      if (attempt === 19 || !RACE_CODES.has(code(e) ?? '')) throw e;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 20));
    }
  }
}

/** What a concurrent saver's rename or removal makes our own step fail with. */
const RACE_CODES = new Set(['ENOENT', 'ENOTEMPTY', 'EEXIST']);

const encodeWeights = (w: NamedWeights): Record<string, { shape: number[]; data: string }> =>
  Object.fromEntries(Object.entries(w).map(([k, t]) => [k, { shape: t.shape, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') }]));

/** The saved weights of the space in `dir` (for a warm start), or undefined. */
export async function readSpaceWeights(dir: string): Promise<NamedWeights | undefined> {
  const file = join(dir, SPACE_WEIGHTS);
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, { shape: number[]; data: string }>;
  return Object.fromEntries(
    Object.entries(doc).map(([k, t]) => {
      const buf = Buffer.from(t.data, 'base64');
      const data = new Float32Array(buf.length / 4);
      new Uint8Array(data.buffer).set(buf);
      return [k, { shape: t.shape, data }];
    }),
  );
}

/** The space's manifest, or undefined when there is none (a rename interrupted half-way leaves `.old`). */
export async function readSpaceManifest(dir: string): Promise<SpaceManifest | undefined> {
  const at = existsSync(join(dir, SPACE_FILE)) ? dir : existsSync(join(`${dir}.old`, SPACE_FILE)) ? `${dir}.old` : undefined;
  if (!at) return undefined;
  const file = join(at, SPACE_FILE);
  let doc: SpaceManifest;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as SpaceManifest;
  } catch (err) {
    throw inputError(file, `not a readable music space (${errorMessage(err)})`, err);
  }
  if (doc.kind !== 'needledrop.music-space' || typeof doc.id !== 'string') throw inputError(file, 'not a music space manifest');
  return doc;
}

export interface MusicSpaceSession {
  manifest: SpaceManifest;
  /** One L2-normalised vector per track. */
  embedTrack(seq: FeatureSeq, signal?: AbortSignal): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Open a saved space on onnxruntime-node, checking the ONNX file's sha256. */
export async function openMusicSpace(dir: string, options: { provider?: ProviderRequest; threads?: number; log?: (m: string) => void } = {}): Promise<MusicSpaceSession> {
  const manifest = await readSpaceManifest(dir);
  if (!manifest) throw inputError(dir, `no music space here (no ${SPACE_FILE})`);
  const at = existsSync(join(dir, SPACE_FILE)) ? dir : `${dir}.old`;
  const path = join(at, SPACE_ONNX);
  const bytes = await readFile(path).catch((err: unknown) => {
    throw inputError(path, `cannot read the music space encoder (${errorMessage(err)})`, err);
  });
  if (sha256(bytes) !== manifest.sha256) throw inputError(path, 'sha256 does not match space.json: the file is damaged or was replaced');
  const session: EncoderSession = await openEncoder(path, { provider: options.provider ?? 'cpu', ...(options.threads ? { threads: options.threads } : {}), ...(options.log ? { log: options.log } : {}) });
  return {
    manifest,
    async embedTrack(seq, signal) {
      if (seq.spec !== manifest.featureSpec) {
        throw inputError(dir, `music space was trained on feature spec ${manifest.featureSpec}; this track has ${seq.spec}: retrain it`);
      }
      const segs = segmentWindows(selectColumns(seq, manifest.columns, dir), { window: manifest.window, hop: manifest.hop });
      const rows = await session.embed(segs.data, segs.n, signal ? { signal } : {});
      return meanVector(rows, manifest.outDim);
    },
    close: () => session.close(),
  };
}
