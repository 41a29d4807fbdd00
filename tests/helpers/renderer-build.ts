/**
 * The built renderer (renderer/dist) that `needledrop serve` gives the e2e tests' Chromium. Built
 * once per run by the global setup, before any test file starts: built from a test file, two files
 * started side by side on a clean clone each ran `vite build`, which empties renderer/dist, and
 * one page loaded an index whose scripts the other build had just deleted (CI, 2026-12-02: app.test
 * never connected).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'dist' || name === 'node_modules') continue;
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** Whether renderer/dist is missing or older than the renderer's sources. */
export function rendererStale(repo = REPO_ROOT): boolean {
  const index = join(repo, 'renderer/dist/index.html');
  const sources = Math.max(newestMtime(join(repo, 'renderer')), newestMtime(join(repo, 'electron/contract')));
  return !existsSync(index) || statSync(index).mtimeMs < sources;
}

/** Build renderer/dist when it is missing or older than the renderer's sources. */
export function ensureRendererBuilt(repo = REPO_ROOT): void {
  if (!rendererStale(repo)) return;
  execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
}
