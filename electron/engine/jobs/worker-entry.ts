/**
 * Where a worker thread's module is: its TypeScript source when running from source (tsx,
 * Vitest; the pool boots it through ts-worker.mjs), or its own compiled file in dist/workers/
 * when running from the build (plain node). scripts/build.ts bundles every module named here
 * and defines __NEEDLEDROP_BUILD__.
 */
declare const __NEEDLEDROP_BUILD__: boolean | undefined;

export const COMPILED = typeof __NEEDLEDROP_BUILD__ !== 'undefined' && __NEEDLEDROP_BUILD__;

/** Modules a worker thread loads, by their compiled name → source path from the repo root. */
export const WORKER_MODULES = {
  'library-worker': 'electron/engine/library/worker.ts',
  'indexer-components': 'electron/engine/library/default-components.ts',
  'space-worker': 'electron/engine/similarity/space-worker.ts',
  'layout-worker': 'electron/engine/map/layout-worker.ts',
} as const;

export type WorkerModuleName = keyof typeof WORKER_MODULES;

/** `source` (the caller's `new URL('./x.ts', import.meta.url)`) from source, dist/workers/<name>.js from the build. */
export function workerModule(name: WorkerModuleName, source: URL): URL {
  // Every compiled file sits one folder below dist/ (dist/cli/, dist/workers/), so this holds from any of them.
  return COMPILED ? new URL(`../workers/${name}.js`, import.meta.url) : source;
}
