/**
 * TF.js (0.8 CPU-s to import) loads only where it is used: training, loss evaluation and encoder
 * building, each reached through `await import()`. From the CLI, the engine's barrel (what a host
 * and the engine process import) and each worker thread's module, no chain of static imports
 * reaches a module that imports an @tensorflow package. Read from esbuild's metafile of the source
 * (static imports only); a failure names the chain to cut. The built files are checked in
 * tests/integration/build/built-bin.test.ts and tests/integration/electron/build.test.ts.
 */
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKER_MODULES } from '../../../electron/engine/jobs/worker-entry';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Static imports (file → files and packages) of the source reached from `entries`, read once from esbuild's metafile. */
async function staticImports(entries: string[]): Promise<Map<string, string[]>> {
  const r = await build({ absWorkingDir: ROOT, entryPoints: entries, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', outdir: 'unused', logLevel: 'silent' });
  return new Map(Object.entries(r.metafile.inputs).map(([file, input]) => [file, input.imports.filter((i) => i.kind !== 'dynamic-import').map((i) => i.path)]));
}

/** Every shortest chain of static imports from `entry` to a module importing an @tensorflow package. */
function tfjsChains(graph: Map<string, string[]>, entry: string): string[] {
  const previous = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const next of graph.get(file) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [...previous.keys()]
    .filter((file) => (graph.get(file) ?? []).some((p) => p.startsWith('@tensorflow/')))
    .map((file) => {
      const chain: string[] = [];
      for (let at: string | null | undefined = file; at; at = previous.get(at)) chain.unshift(at);
      return chain.join(' → ');
    });
}

// The CLI and each of its commands (which it imports when run: the command's own module must not load
// TF.js before it knows it trains), the engine's barrel, the engine process, every worker thread's module.
const COMMANDS = readdirSync(join(ROOT, 'scripts/cli')).filter((f) => f.endsWith('.ts')).map((f) => `scripts/cli/${f}`);
// The loss catalog too: what `losses.list` and the loss-name checks read.
const ENTRIES = ['scripts/cli.ts', ...COMMANDS, 'electron/engine/service/index.ts', 'electron/main/engine-process.ts', ...Object.values(WORKER_MODULES), 'electron/engine/metric/losses/catalog.ts'];
const TRAINING = 'electron/engine/service/training.ts';

describe('static imports reach no TF.js', () => {
  let graph: Map<string, string[]>;
  beforeAll(async () => {
    graph = await staticImports([...ENTRIES, TRAINING]);
  });

  it.each(ENTRIES)('from %s', (entry) => {
    expect(tfjsChains(graph, entry)).toEqual([]);
  });

  it('the check sees a chain where there is one (training loads TF.js)', () => {
    const chains = tfjsChains(graph, TRAINING);
    expect(chains.length).toBeGreaterThan(0);
    expect(chains.every((c) => c.startsWith(`${TRAINING} → `))).toBe(true);
  });
});
