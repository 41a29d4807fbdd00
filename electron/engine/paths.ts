import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The user's data folder: catalog, user-trained models, caches.
 * NEEDLEDROP_HOME overrides; otherwise XDG on Linux, the platform's app-data folder elsewhere.
 */
export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NEEDLEDROP_HOME) return env.NEEDLEDROP_HOME;
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Needledrop');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Needledrop');
    default:
      return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'needledrop');
  }
}

export const catalogPath = (env?: NodeJS.ProcessEnv): string => join(dataHome(env), 'catalog.sqlite');
export const userModelsDir = (env?: NodeJS.ProcessEnv): string => join(dataHome(env), 'models');

/**
 * The folder that holds what ships with the program (models/<version>/): by default the
 * package root, i.e. the nearest folder above this module with a package.json. That is the
 * repo both from source (electron/engine/) and from the compiled build (dist/cli/, dist/workers/);
 * a packaged app passes its own resources folder instead.
 */
export function defaultResourcesDir(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(import.meta.dirname, '..', '..');
  }
}

/** The shipped models (models/<version>/) inside `resourcesDir` (default: the package root). */
export const shippedModelsDir = (resourcesDir: string = defaultResourcesDir()): string => join(resourcesDir, 'models');
