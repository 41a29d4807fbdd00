/**
 * Generate (or resume) a corpus folder: plan from the seed, write manifest.json, render the
 * pairs whose files are not complete yet, `jobs` at a time, reporting progress.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cancelledError, inputError, isCancelled, usageError } from '../errors';
import { errnoWords } from '../util/errno';
import { DEFAULT_OPTIONS, planCorpus } from './plan';
import { pairComplete, renderPair } from './render';
import type { CorpusManifest, CorpusOptions, CorpusPair, GenerateCorpusOptions } from './types';

export const MANIFEST_NAME = 'manifest.json';

function checkOptions(o: GenerateCorpusOptions): CorpusOptions {
  const pos = (name: string, v: number, int = false): number => {
    if (!Number.isFinite(v) || v <= 0 || (int && !Number.isInteger(v))) {
      throw usageError(`${name} must be a positive ${int ? 'integer' : 'number'}, got ${v}`);
    }
    return v;
  };
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw usageError(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  const opts: CorpusOptions = {
    pairs: pos('pairs', o.pairs, true),
    clipSeconds: pos('clipSeconds', o.clipSeconds ?? DEFAULT_OPTIONS.clipSeconds),
    trackSeconds: pos('trackSeconds', o.trackSeconds ?? DEFAULT_OPTIONS.trackSeconds),
    width: pos('width', o.width ?? DEFAULT_OPTIONS.width, true),
    height: pos('height', o.height ?? DEFAULT_OPTIONS.height, true),
    fps: pos('fps', o.fps ?? DEFAULT_OPTIONS.fps, true),
    sampleRate: pos('sampleRate', o.sampleRate ?? DEFAULT_OPTIONS.sampleRate, true),
    ...(o.holdOut === false && { holdOut: false as const }),
  };
  if (opts.width % 2 || opts.height % 2) throw usageError(`frame size must be even (yuv420p), got ${opts.width}×${opts.height}`);
  return opts;
}

/** Refuse to mix two different corpora in one folder (resume needs the same seed and options). */
function checkExisting(dir: string, planned: CorpusManifest): void {
  const file = join(dir, MANIFEST_NAME);
  if (!existsSync(file)) return;
  const old = loadCorpus(dir);
  if (old.seed !== planned.seed || JSON.stringify(old.options) !== JSON.stringify(planned.options)) {
    throw usageError(
      `${dir} already holds a corpus with seed ${old.seed} and options ${JSON.stringify(old.options)}; ` +
        `resume it with the same settings or choose another --out folder`,
    );
  }
}

/** What a corpus leaves in its folder before its manifest (a run stopped at once), and what the OS drops in any folder. */
const NOT_IN_USE = new Set(['video', 'music', `.part-${MANIFEST_NAME}`, '.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * A corpus goes into a new or empty folder, or the folder of an earlier corpus (resumed, or refused by
 * checkExisting when its settings differ). Review S11: a file as OUT crashed (ENOTDIR, exit 70), and
 * any folder, the data folder or one of the user's own, was filled with manifest.json, video/, music/.
 */
function checkOutFolder(dir: string): void {
  let entries: string[] | null;
  try {
    entries = statSync(dir).isDirectory() ? readdirSync(dir) : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // made below
    throw inputError(dir, `cannot use it as the corpus folder: ${errnoWords(err)}`, err);
  }
  if (entries === null) throw inputError(dir, 'is a file, not a folder: give a new or empty folder for the corpus');
  if (entries.includes(MANIFEST_NAME)) return;
  const others = entries.filter((e) => !NOT_IN_USE.has(e)).sort();
  if (others.length === 0) return;
  const named = others.slice(0, 3).join(', ') + (others.length > 3 ? ` and ${others.length - 3} more` : '');
  throw inputError(dir, `holds other files (${named}) and no corpus: give a new or empty folder, or the folder of an earlier corpus to resume it`);
}

async function writeManifest(dir: string, manifest: CorpusManifest): Promise<void> {
  const file = join(dir, MANIFEST_NAME);
  const part = join(dir, `.part-${MANIFEST_NAME}`);
  await writeFile(part, JSON.stringify(manifest, null, 1) + '\n');
  await rename(part, file);
}

export async function generateCorpus(o: GenerateCorpusOptions): Promise<CorpusManifest> {
  const options = checkOptions(o);
  const jobs = o.jobs ?? 2;
  if (!Number.isInteger(jobs) || jobs < 1) throw usageError(`jobs must be a positive integer, got ${jobs}`);
  const manifest = planCorpus(o.seed, options);
  checkOutFolder(o.outDir);
  try {
    await mkdir(join(o.outDir, 'video'), { recursive: true });
    await mkdir(join(o.outDir, 'music'), { recursive: true });
  } catch (err) {
    throw inputError(o.outDir, `cannot make the corpus folder: ${errnoWords(err)}`, err);
  }
  checkExisting(o.outDir, manifest);
  await writeManifest(o.outDir, manifest);

  const todo: CorpusPair[] = [];
  let skipped = 0;
  for (const pair of manifest.pairs) {
    if (pairComplete(pair, o.outDir)) skipped++;
    else todo.push(pair);
  }
  const total = manifest.pairs.length;
  let rendered = 0;
  const started = performance.now();
  const report = (id: string): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = rendered > 0 && seconds > 0 ? rendered / seconds : 0;
    const left = total - skipped - rendered;
    o.onProgress?.({ done: skipped + rendered, total, skipped, rate, etaSeconds: rate > 0 ? left / rate : undefined, id });
  };
  if (skipped > 0) report(manifest.pairs[0].id);

  // One failing pair stops the others (their ffmpeg is killed) instead of rendering on regardless.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  let next = 0;
  const worker = async (): Promise<void> => {
    try {
      while (next < todo.length) {
        if (stop.signal.aborted) throw cancelledError('corpus generation');
        const pair = todo[next++];
        await renderPair(pair, options, o.outDir, stop.signal);
        rendered++;
        report(pair.id);
      }
    } catch (err) {
      stop.abort();
      throw err;
    }
  };
  const workers = Array.from({ length: Math.min(jobs, Math.max(1, todo.length)) }, worker);
  const results = await Promise.allSettled(workers);
  o.signal?.removeEventListener('abort', onAbort);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length > 0) {
    if (o.signal?.aborted) throw cancelledError('corpus generation');
    throw errors.find((e) => !isCancelled(e)) ?? errors[0];
  }
  return manifest;
}

/** Read and sanity-check a corpus manifest from its folder. */
export function loadCorpus(dir: string): CorpusManifest {
  const file = join(dir, MANIFEST_NAME);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw inputError(file, code === 'ENOENT' ? 'no corpus manifest here (generate the corpus first)' : `unreadable manifest: ${(err as Error).message}`, err);
  }
  const m = doc as Partial<CorpusManifest>;
  if (m.version !== 1 || !Array.isArray(m.pairs) || typeof m.seed !== 'number' || !m.options || m.heldOut === undefined) {
    throw inputError(file, 'not a corpus manifest (expected version 1 with seed, options, heldOut and pairs)');
  }
  return m as CorpusManifest;
}
