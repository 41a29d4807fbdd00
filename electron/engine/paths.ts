import { homedir } from 'node:os';
import { join } from 'node:path';

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

/** The repo's shipped models (models/<version>/). */
export const shippedModelsDir = (): string => join(import.meta.dirname, '..', '..', 'models');
