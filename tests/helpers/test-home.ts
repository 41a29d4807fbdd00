/**
 * Vitest global setup: every test run gets its own empty data folder (NEEDLEDROP_HOME), so a CLI
 * or engine started by a test without a home of its own never reads or writes the user's
 * (~/.local/share/needledrop): a cache left there by an earlier run once made a clean clone's
 * test see "0 computed". Workers are forked after this runs and inherit the variable.
 *
 * It also compiles the CLI once per run (scripts/build.ts, the same esbuild bundle `npm run
 * build` ships) into a folder of its own under .cache/, and names it in NEEDLEDROP_TEST_CLI for
 * tests/helpers/cli.ts: a test launches the CLI hundreds of times a run, and the bundle starts in
 * about 40 % of the CPU of `node --import tsx scripts/cli.ts` (0.8–1.0 against 2.0–2.6 CPU-s for
 * `models --json`, measured 2026-12-02 under load). The
 * folder sits inside the repo because the built CLI finds the shipped models at the nearest
 * package.json above it. NEEDLEDROP_TEST_CLI_FROM_SOURCE=1 keeps the tsx route.
 *
 * And it builds the renderer the e2e tests serve, when stale, before any file starts (see
 * renderer-build.ts: two files building it side by side broke each other's page).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../scripts/build';
import { REPO_ROOT } from './cli';
import { ensureRendererBuilt } from './renderer-build';

export const TEST_HOME_PREFIX = 'needledrop-test-home-';

export default async function setup(): Promise<() => void> {
  ensureRendererBuilt();
  const home = mkdtempSync(join(tmpdir(), TEST_HOME_PREFIX));
  process.env.NEEDLEDROP_HOME = home;
  let cliDir: string | undefined;
  if (!process.env.NEEDLEDROP_TEST_CLI_FROM_SOURCE) {
    const parent = join(REPO_ROOT, '.cache', 'test-cli');
    mkdirSync(parent, { recursive: true });
    // A folder per run (several runs may share a checkout); 0755 so a case run as `nobody` can load it.
    cliDir = mkdtempSync(join(parent, 'run-'));
    chmodSync(cliDir, 0o755);
    await build(cliDir);
    process.env.NEEDLEDROP_TEST_CLI = join(cliDir, 'cli', 'needledrop.js');
  }
  return () => {
    rmSync(home, { recursive: true, force: true });
    if (cliDir) rmSync(cliDir, { recursive: true, force: true });
  };
}
