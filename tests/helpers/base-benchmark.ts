/**
 * The base benchmark corpus (train/base-benchmark.ts BASE_BENCHMARK: 24 seeded pairs) rendered and
 * described once per test run, for the tests that only need it there: every fine-tune measures
 * what it forgot on it, and each test file with a data folder of its own rendered the 24 clips and
 * tracks again and decoded them for descriptors. Tests of the benchmark's own first render (its
 * progress, its cache, clearing it) must not use this.
 *
 * One copy lives under the run's test home (tests/helpers/test-home.ts); the first test file to
 * ask renders it under a lock, the others wait for it. `seedBaseBenchmark(dataDir)` copies it into
 * a data folder, where the engine resumes it (nothing left to render) and finds the descriptors
 * in its feature cache: the cache is keyed by absolute path, so each file's entry is written
 * again under its new path, through the engine's own cachedFeatures.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus, loadCorpus } from '../../electron/engine/corpus/generate';
import type { CorpusManifest } from '../../electron/engine/corpus/types';
import { AUDIO_SPEC, VIDEO_SPEC } from '../../electron/engine/features/spec';
import { BASE_BENCHMARK } from '../../electron/engine/train/base-benchmark';
import { loadTrainingData } from '../../electron/engine/train/dataset';
import { cachedFeatures } from '../../electron/engine/train/feature-cache';

/** Where the engine keeps the benchmark in a data folder (service/engine.ts benchmarkDir). */
export const BENCHMARK_FOLDER = 'base-benchmark';

/** The corpus' descriptor cache inside it (train/dataset.ts loadTrainingData's default cacheDir). */
const FEATURES = '.features';

function runHome(): string {
  const home = process.env.NEEDLEDROP_HOME;
  if (!home) throw new Error('NEEDLEDROP_HOME is not set: tests/helpers/test-home.ts sets it for every test run');
  return home;
}

let shared: Promise<{ dir: string; manifest: CorpusManifest }> | undefined;

/** The run's benchmark corpus, rendered and described (once per run, whichever test file comes first). */
export function sharedBaseBenchmark(): Promise<{ dir: string; manifest: CorpusManifest }> {
  shared ??= (async () => {
    const dir = join(runHome(), 'shared-base-benchmark');
    const done = `${dir}.done`;
    const lock = `${dir}.lock`;
    for (;;) {
      if (existsSync(done)) break;
      try {
        mkdirSync(lock);
      } catch {
        // Another test file (the other Vitest worker) is rendering it.
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      try {
        if (!existsSync(done)) {
          await generateCorpus({ outDir: dir, ...BASE_BENCHMARK, holdOut: false, jobs: 2 });
          await loadTrainingData(dir, { jobs: 2 });
          writeFileSync(done, '');
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    return { dir, manifest: loadCorpus(dir) };
  })();
  return shared;
}

/** Nothing cached under the shared path: the copy's entry is then left for the engine to compute. */
class NotCached extends Error {}

/**
 * The benchmark as `dataDir/base-benchmark`, as a first fine-tune leaves it (rendered, described):
 * a fine-tune on `dataDir` then only reads it. Returns the folder.
 */
export async function seedBaseBenchmark(dataDir: string): Promise<string> {
  const { dir, manifest } = await sharedBaseBenchmark();
  const out = join(dataDir, BENCHMARK_FOLDER);
  // Times kept: the cache key holds the file's mtime.
  cpSync(dir, out, { recursive: true, preserveTimestamps: true, filter: (src) => src !== join(dir, FEATURES) });
  for (const pair of manifest.pairs) {
    for (const [rel, modality, spec] of [
      [pair.video, 'video', VIDEO_SPEC.version],
      [pair.music, 'audio', AUDIO_SPEC.version],
    ] as const) {
      try {
        const own = await cachedFeatures(join(dir, FEATURES), join(dir, rel), modality, spec, () => Promise.reject(new NotCached()));
        await cachedFeatures(join(out, FEATURES), join(out, rel), modality, spec, () => Promise.resolve({ seq: own.seq, summary: own.summary }));
      } catch (err) {
        if (!(err instanceof NotCached)) throw err;
      }
    }
  }
  return out;
}
