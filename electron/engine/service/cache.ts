/**
 * The caches the engine keeps under the data folder (and the on-disk segment index beside the
 * catalog), their sizes, and clearing them. Only what is rebuilt on demand is listed: never the
 * catalog, model versions, the learned music space's model, settings or the active-model pointer.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheEntry } from '../../contract/types';
import { segmentIndexRoot } from '../app/library';
import { diskUsage } from '../util/disk-usage';
import { PRODUCTION_FILE } from '../similarity/production';
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

/** Every cache with its size; `busy` names caches a running job is using (not clearable now). */
export function cacheInfo(roots: CacheRoots, busy: ReadonlySet<CacheName> = new Set()): CacheEntry[] {
  return CACHES.map((c) => {
    const path = c.path(roots);
    return { name: c.name, label: c.label, detail: c.detail, path, ...diskUsage(path), clearable: !busy.has(c.name) };
  });
}

/** Remove one cache's files (the folder itself goes too; whoever needs it creates it again). */
export function clearCache(roots: CacheRoots, name: CacheName): void {
  const spec = CACHES.find((c) => c.name === name);
  if (!spec) throw new RangeError(`no cache named ${name}`);
  rmSync(spec.path(roots), { recursive: true, force: true });
}
