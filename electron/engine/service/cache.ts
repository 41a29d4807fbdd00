/**
 * The caches the engine keeps under the data folder (and the on-disk segment index beside the
 * catalog), their sizes, and clearing them. Only what is rebuilt on demand is listed: never the
 * catalog, model versions, the learned music space's model, settings or the active-model pointer.
 *
 * A job that uses a cache holds a lease on it (util/lease.ts, in <data>/caches-in-use), seen by
 * every process on the data folder: Settings → Clear in the app is refused while a CLI fine-tune
 * or the app's training process uses the cache (review R1.8: it deleted the base benchmark under
 * a CLI fine-tune, which died with "internal error" and a stack). Leases are written and Clear
 * checks and removes under one lock, so a job either sees its cache gone before it starts using
 * it (and rebuilds it) or Clear sees the job.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { JobOperation } from '../../contract/operations';
import type { CacheEntry } from '../../contract/types';
import { segmentIndexRoot } from '../app/library';
import { inputError, isCancelled, NeedledropError } from '../errors';
import { diskUsage } from '../util/disk-usage';
import { withFileLock } from '../util/file-lock';
import { liveLeases, writeLease, type Lease } from '../util/lease';
import { PRODUCTION_FILE } from '../similarity/production';
import { PROFILE_CACHE_FILE } from '../similarity/profile-cache';
import { VECTORS_FILE } from '../similarity/vector-cache';
import { mapCacheDir } from './map';
import { musicSpaceDir } from './music-space';

export type CacheName = CacheEntry['name'];

/** Where the caches live: the data folder, and the catalog file the segment index sits beside. */
export interface CacheRoots {
  dataDir: string;
  catalogPath: string;
}

interface CacheSpec {
  name: CacheName;
  label: string;
  detail: string;
  path: (roots: CacheRoots) => string;
}

const CACHES: readonly CacheSpec[] = [
  { name: 'map', label: 'Explore map', detail: 'the library laid out in 2-D; recomputed on the next visit to Explore', path: (r) => mapCacheDir(r.dataDir) },
  {
    name: 'music-space-vectors',
    label: 'Music-space vectors',
    detail: 'track vectors of the learned music space; re-embedded by the next music-space update (descriptor statistics serve until then)',
    path: (r) => join(musicSpaceDir(r.dataDir), VECTORS_FILE),
  },
  {
    name: 'production-signatures',
    label: 'Production signatures',
    detail: 'each track’s full-band spectrum and stereo width, for “similar” and the map; computed again (one decode per track) after the next scan, in the background',
    path: (r) => join(musicSpaceDir(r.dataDir), PRODUCTION_FILE),
  },
  {
    // No job leases it: a build reads the file whole at its start and writes it whole (atomically) at its end, so
    // a Clear meanwhile breaks nothing (that build writes it again).
    name: 'profile-cache',
    label: 'Track profiles',
    detail: 'each track’s profile for “similar”, the playlists and the map, kept so a new process need not profile the library again; profiled again (≈ 9 CPU-s per 1,000 tracks) by the next one that builds the music space',
    path: (r) => join(musicSpaceDir(r.dataDir), PROFILE_CACHE_FILE),
  },
  { name: 'edit-features', label: 'Fine-tuning features', detail: 'descriptors of your finished edits; decoded again by the next fine-tuning run', path: (r) => join(r.dataDir, 'edit-features') },
  {
    name: 'base-benchmark',
    label: 'Base benchmark',
    detail: 'the synthetic clips fine-tuning measures forgetting on; rendered again by the next fine-tuning run',
    path: (r) => join(r.dataDir, 'base-benchmark'),
  },
  { name: 'checkpoints', label: 'Training checkpoints', detail: 'resume points of interrupted training runs; a cleared run starts over', path: (r) => join(r.dataDir, 'checkpoints') },
  {
    name: 'segment-index',
    label: 'Search index',
    detail: 'the on-disk index of large libraries (over 2M segments; gigabytes at 50,000 tracks); rebuilt by the next match',
    path: (r) => segmentIndexRoot(r.catalogPath),
  },
];

/** One cache a running job uses: `path` tells caches of two catalogs apart (the segment index sits beside its catalog). */
export interface CacheUse {
  cache: CacheName;
  path: string;
  /** The job, as a user reads it: 'fine-tuning "ft2"', 'a match'. */
  why: string;
}

export const cacheLeasesDir = (dataDir: string): string => join(dataDir, 'caches-in-use');
/** Beside the leases, not among them (every file in the leases folder is read as a lease). */
const lockFile = (dataDir: string): string => join(dataDir, 'caches-in-use.lock');
/** A job waits this long for a Clear of another process (a large segment index takes a while to remove). */
const LEASE_WAIT_MS = 120_000;

const specOf = (name: CacheName): CacheSpec => {
  const spec = CACHES.find((c) => c.name === name);
  if (!spec) throw new RangeError(`no cache named ${name}`);
  return spec;
};

/** The caches a job of `op` reads or writes (clearing one meanwhile would break it), and the job in a user's words. */
export function cachesOfJob(op: JobOperation, req: unknown): { caches: CacheName[]; why: string } | null {
  const version = (req as { version?: unknown } | undefined)?.version;
  const named = typeof version === 'string' ? ` "${version}"` : '';
  switch (op) {
    case 'finetune':
      return { caches: ['edit-features', 'base-benchmark', 'checkpoints'], why: `fine-tuning${named}` };
    case 'train':
      return { caches: ['checkpoints'], why: `training${named}` };
    case 'library.map':
      return { caches: ['map'], why: 'laying out the Explore map' };
    case 'musicSpace.update':
      return { caches: ['music-space-vectors', 'production-signatures'], why: 'a music-space update' };
    case 'match':
      return { caches: ['segment-index'], why: 'a match' };
    default:
      return null;
  }
}

type Leases = Array<Lease<CacheUse>>;

/** The live use of the cache at `path` among `leases`, or null. */
function userAmong(leases: Leases, path: string): (CacheUse & { pid: number }) | null {
  for (const lease of leases) {
    const use = lease.uses.find((u) => u.path === path);
    if (use) return { ...use, pid: lease.pid };
  }
  return null;
}

/** The live use of the cache `name` (by any process), or null. */
export function cacheUser(roots: CacheRoots, name: CacheName): (CacheUse & { pid: number }) | null {
  return userAmong(liveLeases<CacheUse>(cacheLeasesDir(roots.dataDir)), specOf(name).path(roots));
}

/** Every cache with its size; one a running job of any process uses is not clearable now, and says which job. */
export function cacheInfo(roots: CacheRoots): CacheEntry[] {
  // The leases folder read once for all the caches, not once for each.
  const leases = liveLeases<CacheUse>(cacheLeasesDir(roots.dataDir));
  return CACHES.map((c) => {
    const path = c.path(roots);
    const user = userAmong(leases, path);
    return { name: c.name, label: c.label, detail: c.detail, path, ...diskUsage(path), clearable: !user, ...(user ? { usedBy: `${user.why} (pid ${user.pid})` } : {}) };
  });
}

/** Run `body` holding the caches' lock (across processes); the data folder is made first, the lock file lives in it. */
function underLock<T>(dataDir: string, body: () => Promise<T>, timeoutMs?: number): Promise<T> {
  mkdirSync(dataDir, { recursive: true });
  return withFileLock(lockFile(dataDir), 'the caches', body, timeoutMs);
}

/**
 * Remove one cache's files (the folder itself goes too; whoever needs it creates it again). Refused
 * while a job of any process uses it, naming the job and its pid; `beforeRemove` runs once it is
 * known to be free (the engine closes what it has open of it).
 */
export async function clearCache(roots: CacheRoots, name: CacheName, beforeRemove?: () => Promise<void>): Promise<void> {
  const spec = specOf(name);
  await underLock(roots.dataDir, async () => {
    const user = cacheUser(roots, name);
    if (user) {
      throw new NeedledropError('input', `the ${spec.label} cache is in use: ${user.why} is running (pid ${user.pid}); clear it when that has ended, or cancel it`, { code: 'busy' });
    }
    await beforeRemove?.();
    rmSync(spec.path(roots), { recursive: true, force: true });
  });
}

/** Lease `names` for one job until the returned release is called (written under the caches' lock: see the top). */
export async function holdCaches(roots: CacheRoots, names: readonly CacheName[], why: string): Promise<() => void> {
  const uses: CacheUse[] = names.map((cache) => ({ cache, path: specOf(cache).path(roots), why }));
  return underLock(roots.dataDir, async () => writeLease(cacheLeasesDir(roots.dataDir), uses), LEASE_WAIT_MS);
}

/**
 * Run a job's `body` holding a lease on the caches it uses. A data folder the lease cannot be
 * written in is one no Clear can remove from either: the job then runs without one. A cache that
 * vanishes under the job anyway (deleted by hand) ends it with a plain error naming the folder,
 * not "internal error" and a stack (review R1.8).
 */
export async function usingCaches<T>(roots: CacheRoots, uses: { caches: readonly CacheName[]; why: string } | null, body: () => Promise<T>): Promise<T> {
  if (!uses || uses.caches.length === 0) return body();
  // Silent: the job says itself what it cannot write (its own checks, review S15), as a model lease does.
  const release = await holdCaches(roots, uses.caches, uses.why).catch(() => () => {});
  try {
    return await body();
  } catch (err) {
    throw vanishedCacheError(err, roots, uses) ?? err;
  } finally {
    release();
  }
}

/** The paths an error names: its message, its errno path and destination, its cause's message. */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as NodeJS.ErrnoException & { dest?: unknown };
  return [e.message, e.path, e.dest, e.cause instanceof Error ? e.cause.message : undefined].filter((t) => typeof t === 'string').join('\n');
}

/** True when `text` names `path` or something inside it (not merely a longer name beginning with it). */
function names(text: string, path: string): boolean {
  return text.split(path).slice(1).some((rest) => rest === '' || rest.startsWith(sep) || /^['"\s:,;)]/.test(rest));
}

/**
 * The plain error for a job that failed because one of its caches went away under it: the failure
 * is not one the job already worded (input, usage, cancelled), it names a path in the cache, and
 * the cache is not there now (or the failure is that a file in it is missing).
 */
export function vanishedCacheError(err: unknown, roots: CacheRoots, uses: { caches: readonly CacheName[]; why: string }): NeedledropError | null {
  if (isCancelled(err) || (err instanceof NeedledropError && err.kind !== 'internal')) return null;
  const text = errorText(err);
  for (const name of uses.caches) {
    const spec = specOf(name);
    const path = spec.path(roots);
    if (!names(text, path)) continue;
    if (existsSync(path) && (err as NodeJS.ErrnoException).code !== 'ENOENT') continue;
    return inputError(path, `the ${spec.label.toLowerCase()} cache was deleted while ${uses.why} was using it (not by Clear in Settings, which waits for the job to end); run it again: the cache is rebuilt`, err);
  }
  return null;
}
