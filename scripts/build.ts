/**
 * `npm run build [-- --out DIR]`: compiles the CLI (with the engine and the contract it uses)
 * and every worker-thread module to plain ESM JavaScript, so `node dist/cli/needledrop.js`
 * runs without tsx:
 *   dist/cli/needledrop.js        scripts/cli.ts
 *   dist/engine/service.js        electron/engine/service/index.ts (what a host such as Electron's main imports)
 *   dist/contract/index.js        electron/contract/index.ts (types, schemas, client; no Node imports)
 *   dist/workers/<name>.js        each module of WORKER_MODULES (electron/engine/jobs/worker-entry.ts)
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

/** Compiled file (without .js, relative to the out folder) → source (relative to the repo). */
export function buildEntries(): Record<string, string> {
  const entries: Record<string, string> = {
    'cli/needledrop': 'scripts/cli.ts',
    'engine/service': 'electron/engine/service/index.ts',
    'contract/index': 'electron/contract/index.ts',
  };
  for (const [name, source] of Object.entries(WORKER_MODULES)) entries[`workers/${name}`] = source;
  return entries;
}

export interface BuildReport {
  outDir: string;
  files: string[];
}

export async function build(outDir: string = join(ROOT, 'dist')): Promise<BuildReport> {
  const entries = buildEntries();
  for (const source of Object.values(entries)) {
    if (!existsSync(join(ROOT, source))) throw new Error(`build entry ${source} does not exist`);
  }
  await rm(outDir, { recursive: true, force: true });
  const options: BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: Object.entries(entries).map(([out, source]) => ({ in: source, out })),
    outdir: outDir,
    bundle: true,
    // One self-contained file per entry (no shared chunks): every file sits one folder below
    // outDir, which is what workerModule() and the package-root lookup count on.
    splitting: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    define: { __NEEDLEDROP_BUILD__: 'true' },
    logLevel: 'warning',
    metafile: true,
  };
  const result = await esbuild(options);
  return { outDir, files: Object.keys(result.metafile?.outputs ?? {}).filter((f) => f.endsWith('.js')) };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const report = await build(values.out ? resolve(values.out) : undefined);
  for (const f of report.files) process.stdout.write(`${f}\n`);
}
