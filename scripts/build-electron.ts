/**
 * The desktop app's build and launch:
 *   tsx scripts/build-electron.ts [--renderer] [--launch] [--out DIR]
 * builds what `npm run build` builds (CLI, engine workers: the engine process loads
 * dist/workers/), then the shell for Electron:
 *   dist/electron/main.js            electron/main/main.ts (ESM, Electron's main process)
 *   dist/electron/engine-process.js  electron/main/engine-process.ts (ESM, a utilityProcess; its
 *                                    engine is the build's dist/engine/service.js)
 *   dist/electron/preload.cjs        electron/preload/preload.ts (CommonJS, self-contained: a
 *                                    sandboxed preload can require nothing but 'electron')
 * --renderer also builds the Svelte UI (renderer/dist); --launch (npm start) does both,
 * rebuilds better-sqlite3 for Electron and starts Electron on the repo, or, where Electron's
 * binary is missing, says so and exits 1 (before building anything).
 */
import { build as esbuild, type BuildOptions, type Plugin } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './build';
import { errorMessage } from '../electron/engine/util/error-message';

const ROOT = resolve(import.meta.dirname, '..');
/** Electron 45 runs Node 22. */
const TARGET = 'node22';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Where the npm `electron` package put its binary, without `require('electron')` (which tries
 * to download it when missing).
 */
export function electronBinary(root: string = ROOT): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { found: false, reason: 'the npm package "electron" is not installed' };
  const pathFile = join(pkg, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!existsSync(pathFile) && !override) return { found: false, reason: `Electron's binary was never downloaded (${pathFile} is missing; its install script did not run or could not reach the network)` };
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = override ? join(override, name) : join(pkg, 'dist', name);
  return existsSync(binary) ? { found: true, path: binary } : { found: false, reason: `Electron's binary ${binary} does not exist` };
}

export function missingElectronMessage(reason: string): string {
  return [
    `Cannot start the desktop app: ${reason}.`,
    'Electron downloads its binary when it is installed (npm install with network access to GitHub, or ELECTRON_MIRROR / ELECTRON_OVERRIDE_DIST_PATH).',
    'Without it, run the same app in a browser:',
    '  npm run build:renderer && npx needledrop serve --open',
  ].join('\n');
}

/**
 * Main imports a few helpers (Range, the transport) through the engine's service barrel; marking
 * engine modules free of side effects lets esbuild drop the rest, so Electron's main process
 * loads no onnxruntime, TF.js or SQLite (the engine runs in its utilityProcess).
 */
const engineWithoutSideEffects: Plugin = {
  name: 'engine-without-side-effects',
  setup(b) {
    const engineDir = join(ROOT, 'electron', 'engine') + sep;
    b.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'inner' });
      if (r.errors.length > 0 || !r.path.startsWith(engineDir)) return undefined;
      return { path: r.path, sideEffects: false };
    });
  },
};

/**
 * The engine process imports the engine from the split build (dist/engine/service.js and its
 * dist/chunks/), not a bundle of its own: one engine in the package, and TF.js loaded only by the
 * chunks of training, evaluation and encoder building (one self-contained file would load it at
 * every engine start: esbuild moves a package's import to the top of the file).
 */
const engineFromBuild: Plugin = {
  name: 'engine-from-build',
  setup(b) {
    const barrel = join(ROOT, 'electron', 'engine', 'service', 'index.ts');
    b.onResolve({ filter: /engine\/service(\/index)?$/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'inner' });
      // Relative to dist/electron/engine-process.js.
      return r.path === barrel ? { path: '../engine/service.js', external: true } : undefined;
    });
  },
};

export async function buildElectron(outDir: string = join(ROOT, 'dist')): Promise<string[]> {
  const report = await build(outDir);
  const common: BuildOptions = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: TARGET,
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
    define: { __NEEDLEDROP_BUILD__: 'true' },
  };
  // Packages (native ones included) load from node_modules, unpacked where asarUnpack says.
  const esm: BuildOptions = { ...common, format: 'esm', packages: 'external', external: ['electron'] };
  const mainJs = await esbuild({ ...esm, entryPoints: ['electron/main/main.ts'], outfile: join(outDir, 'electron', 'main.js'), plugins: [engineWithoutSideEffects] });
  const engineJs = await esbuild({ ...esm, entryPoints: ['electron/main/engine-process.ts'], outfile: join(outDir, 'electron', 'engine-process.js'), plugins: [engineFromBuild] });
  const preload = await esbuild({
    ...common,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: join(outDir, 'electron', 'preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
  const outputs = [mainJs, engineJs, preload].flatMap((r) => Object.keys(r.metafile?.outputs ?? {}));
  return [...report.files, ...outputs.filter((f) => /\.c?js$/.test(f))];
}

export async function buildRenderer(): Promise<void> {
  const { build: vite } = await import('vite');
  await vite({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * better-sqlite3 is the one native module not on Node-API: the engine process (Electron's Node)
 * needs it built for Electron's ABI. @electron/rebuild does that in node_modules (skipped when it
 * already is); `npm rebuild better-sqlite3` builds it for Node again (CLI, tests).
 */
function rebuildForElectron(): void {
  process.stderr.write("Building better-sqlite3 for Electron's ABI (npm rebuild better-sqlite3 undoes it for the CLI and tests)…\n");
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-rebuild'), ['--only', 'better-sqlite3', '--module-dir', ROOT], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('Cannot start the desktop app: better-sqlite3 could not be rebuilt for Electron (see above; it needs Electron\'s headers from the network, a C++ compiler and Python).\n');
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, renderer: { type: 'boolean' }, launch: { type: 'boolean' } } });
  if (values.launch) {
    // Said before minutes of building, not after.
    const binary = electronBinary();
    if (!binary.found) {
      process.stderr.write(`${missingElectronMessage(binary.reason)}\n`);
      process.exit(1);
    }
    await buildRenderer();
    await buildElectron();
    rebuildForElectron();
    const child = spawn(binary.path, [ROOT], { stdio: 'inherit' });
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  if (values.renderer) await buildRenderer();
  for (const f of await buildElectron(values.out ? resolve(values.out) : undefined)) process.stdout.write(`${f}\n`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1] === import.meta.filename) {
  main().catch((err: unknown) => {
    process.stderr.write(`build-electron: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
