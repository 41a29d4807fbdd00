/**
 * `npm run build [-- --out DIR]`: compiles the CLI (with the engine and the contract it uses)
 * and every worker-thread module to plain ESM JavaScript, so `node dist/cli/needledrop.js`
 * runs without tsx:
 *   dist/cli/needledrop.js        scripts/cli.ts
 *   dist/engine/service.js        electron/engine/service/index.ts (what a host such as Electron's main imports)
 *   dist/contract/index.js        electron/contract/index.ts (types, schemas, client; no Node imports)
 *   dist/workers/<name>.js        each module of WORKER_MODULES (electron/engine/jobs/worker-entry.ts)
 *   dist/chunks/*.js              code the first three share, and what they import lazily (TF.js's users)
 * The CLI, service and contract are one build with code splitting: esbuild moves a package's import
 * to the top of the file that holds its importer, so in one self-contained file a lazily reached
 * module's `@tensorflow/tfjs` would load at start (0.8 CPU-s of every command's 1.1). Split, each
 * `await import()` of training, evaluation or encoder building stays a chunk loaded when asked.
 * Workers stay self-contained files (no chunks): they are unpacked from app.asar on their own and
 * load nothing lazily that would need a chunk.
 * Packages stay external: they load from node_modules as they do from source (several are
 * native: onnxruntime-node, better-sqlite3, usearch; ffmpeg's packages carry binaries).
 * Shipped models are not copied: the engine finds them in the package root (paths.ts) or
 * in the resources folder its context names.
 */
import { build as esbuild, type BuildOptions } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKER_MODULES } from '../electron/engine/jobs/worker-entry';

const ROOT = resolve(import.meta.dirname, '..');

/** Compiled file (without .js, relative to the out folder) → source (relative to the repo): the split build. */
export function buildEntries(): Record<string, string> {
  return {
    'cli/needledrop': 'scripts/cli.ts',
    'engine/service': 'electron/engine/service/index.ts',
    'contract/index': 'electron/contract/index.ts',
  };
}

/** Each worker thread's module (WORKER_MODULES), built as one file of its own. */
export function workerEntries(): Record<string, string> {
  return Object.fromEntries(Object.entries(WORKER_MODULES).map(([name, source]) => [`workers/${name}`, source]));
}

/**
 * Where the split builds put their shared chunks: one folder below the out folder, as every
 * entry is, because bundled code finds dist/workers/ and the package root relative to its own file.
 */
export const CHUNK_NAMES = 'chunks/[name]-[hash]';

export interface BuildReport {
  outDir: string;
  files: string[];
}

export async function build(outDir: string = join(ROOT, 'dist')): Promise<BuildReport> {
  const [split, workers] = [buildEntries(), workerEntries()];
  for (const source of [...Object.values(split), ...Object.values(workers)]) {
    if (!existsSync(join(ROOT, source))) throw new Error(`build entry ${source} does not exist`);
  }
  await rm(outDir, { recursive: true, force: true });
  const common: BuildOptions = {
    absWorkingDir: ROOT,
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    define: { __NEEDLEDROP_BUILD__: 'true' },
    logLevel: 'warning',
    metafile: true,
  };
  const entryPoints = (entries: Record<string, string>): BuildOptions['entryPoints'] => Object.entries(entries).map(([out, source]) => ({ in: source, out }));
  const results = await Promise.all([
    esbuild({ ...common, entryPoints: entryPoints(split), splitting: true, chunkNames: CHUNK_NAMES }),
    esbuild({ ...common, entryPoints: entryPoints(workers), splitting: false }),
  ]);
  const files = results.flatMap((r) => Object.keys(r.metafile?.outputs ?? {})).filter((f) => f.endsWith('.js'));
  return { outDir, files };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const report = await build(values.out ? resolve(values.out) : undefined);
  for (const f of report.files) process.stdout.write(`${f}\n`);
}
