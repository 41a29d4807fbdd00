/**
 * Everything the Engine needs from its host, said once: where the user's data lives, which
 * ffmpeg to use, how many threads, where to log. The CLI builds it from the environment; the
 * Electron shell from app.getPath() and its resources folder; tests from a temp folder.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { catalogPath, dataHome, shippedModelsDir } from '../paths';
import type { RegistryOptions } from '../models/registry';
import type { WatchOptions } from '../library/watch';

export interface EngineContext {
  /** The user's data folder: settings, active-model pointer, user models, checkpoints. */
  dataDir: string;
  /** The catalog (SQLite) file. */
  catalogPath: string;
  /** Shipped model versions (models/ in the repo, the resources folder in a packaged app). */
  shippedModelsDir: string;
  /** Explicit ffmpeg/ffprobe binaries; otherwise the engine's resolution order applies. */
  ffmpeg?: string;
  ffprobe?: string;
  /** Threads the engine may use for decoding and inference. */
  threads: number;
  /** Diagnostics (provider fallbacks and the like); the engine itself prints nothing. */
  log: (message: string) => void;
  appVersion: string;
  /**
   * Confine requests to the library, the opened clips and the data folder (the app and the
   * browser bridge, whose requests come from a renderer); the CLI's user types paths freely.
   */
  confined?: boolean;
  /**
   * Watch the library folders while the engine is open (when the user's "watch" setting is on):
   * hosts that stay open (the app, the bridge) pass true; the CLI's one-shot commands do not.
   * Options tune the debounce (tests).
   */
  watch?: boolean | WatchOptions;
  /** Segments above which search reads the on-disk index (default DISK_INDEX_SEGMENTS; tests lower it). */
  diskIndexAbove?: number;
  /**
   * What this engine's job ids start with (default "job"): the app's two engine processes need
   * ids apart, or the router's merged job list hides one process's live job behind the other's.
   */
  jobPrefix?: string;
}

export function contextFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<EngineContext> = {}): EngineContext {
  const dataDir = overrides.dataDir ?? dataHome(env);
  return {
    dataDir,
    catalogPath: resolve(overrides.catalogPath ?? (overrides.dataDir ? join(dataDir, 'catalog.sqlite') : catalogPath(env))),
    shippedModelsDir: overrides.shippedModelsDir ?? shippedModelsDir(),
    threads: overrides.threads ?? availableParallelism(),
    log: overrides.log ?? (() => {}),
    appVersion: overrides.appVersion ?? '0.1.0',
    ...(overrides.ffmpeg ? { ffmpeg: overrides.ffmpeg } : env.NEEDLEDROP_FFMPEG ? { ffmpeg: env.NEEDLEDROP_FFMPEG } : {}),
    ...(overrides.ffprobe ? { ffprobe: overrides.ffprobe } : env.NEEDLEDROP_FFPROBE ? { ffprobe: env.NEEDLEDROP_FFPROBE } : {}),
    ...(overrides.watch ? { watch: overrides.watch } : {}),
    // Dropping this once left the bridge unconfined: a front that asks for confinement gets it.
    ...(overrides.confined ? { confined: true } : {}),
    ...(overrides.diskIndexAbove !== undefined ? { diskIndexAbove: overrides.diskIndexAbove } : {}),
    ...(overrides.jobPrefix ? { jobPrefix: overrides.jobPrefix } : {}),
  };
}

/** How the model registry finds versions and the active pointer under this context. */
export function registryOptions(ctx: EngineContext): RegistryOptions {
  return { env: { ...process.env, NEEDLEDROP_HOME: ctx.dataDir }, shippedDir: ctx.shippedModelsDir };
}
