import type { FileRow } from '../catalog/types';
import { isUnder } from '../util/path-under';
import type { DiskEntry } from './scan';
import { errnoWords } from '../util/errno';

/**
 * Deciding what an index run does, before it does anything: which files are unchanged, which
 * were only touched, which moved, which need analysis, which left. Pure apart from the
 * injected hashing and lookups, so it is tested without a disk.
 */

export interface Classified {
  /** Same path, size and mtime as catalogued. */
  unchanged: FileRow[];
  /** Same path, different size or mtime: hash decides. */
  changed: Array<{ row: FileRow; entry: DiskEntry }>;
  /** Paths the catalog does not know. */
  fresh: DiskEntry[];
  /** Catalogued under the roots, gone from disk. */
  missing: FileRow[];
  /** Catalogued under a path the scan could not read (or a root that came back empty): kept as they are. */
  unavailable: FileRow[];
  /** Same path, size and mtime, but analysed by an older analyzer: analysed again, content known. */
  outdated: Array<{ row: FileRow; entry: DiskEntry }>;
}

/** `outdated`: ids of files whose analysis is older than the analyzer's version. */

/**
 * Sort the catalogued files under the roots against what the scan found. `unavailable` names paths
 * the scan could not read (and roots that came back empty): catalogued files under them are not
 * counted missing, so an unreadable folder or an unplugged drive never removes tracks.
 */
export function classify(
  known: readonly FileRow[],
  disk: readonly DiskEntry[],
  outdated: ReadonlySet<number> = new Set(),
  unavailable: readonly string[] = [],
): Classified {
  const byPath = new Map(known.map((r) => [r.path, r]));
  const out: Classified = { unchanged: [], changed: [], fresh: [], missing: [], unavailable: [], outdated: [] };
  const seen = new Set<string>();
  for (const entry of disk) {
    const row = byPath.get(entry.path);
    seen.add(entry.path);
    if (!row) out.fresh.push(entry);
    else if (row.size === entry.size && row.mtimeMs === Math.trunc(entry.mtimeMs)) {
      if (outdated.has(row.id)) out.outdated.push({ row, entry });
      else out.unchanged.push(row);
    }
    else out.changed.push({ row, entry });
  }
  for (const row of known) {
    if (seen.has(row.path)) continue;
    if (unavailable.some((dir) => isUnder(row.path, dir))) out.unavailable.push(row);
    else out.missing.push(row);
  }
  return out;
}

export interface Plan {
  unchanged: FileRow[];
  /** Content identical (same hash): only the stored stat is refreshed. */
  touched: Array<{ row: FileRow; entry: DiskEntry }>;
  /** Same content at a new path: the row follows the file, analysis kept. */
  moved: Array<{ row: FileRow; entry: DiskEntry }>;
  analyze: Array<{ entry: DiskEntry; hash: string }>;
  removed: FileRow[];
  failed: Array<{ path: string; reason: string }>;
  /** New paths to a file already catalogued or already taken in this run (a link to a folder, another spelling): not a second track. */
  aliases: Array<{ entry: DiskEntry; of: string }>;
}

export interface PlanDeps {
  hash(entry: DiskEntry): Promise<string>;
  /** Every catalogued file with this content hash, under the roots or not. */
  byHash(hash: string): FileRow[];
  /** Whether a catalogued path outside the scanned roots still exists on disk. */
  exists(path: string): boolean;
  /** The file's identity on disk (device and inode), undefined when it cannot be read: two paths to one file share it. */
  fileKey?(path: string): string | undefined;
  /** Whether a path is the file's own (its real path: no link on the way); absent, every path is. */
  canonical?(path: string): boolean;
  /** Called after each hash, for progress. */
  onHashed?(): void;
  /** Hashes in flight at once (I/O-bound). */
  concurrency?: number;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export async function plan(c: Classified, deps: PlanDeps): Promise<Plan> {
  const out: Plan = { unchanged: c.unchanged, touched: [], moved: [], analyze: [], removed: [], failed: [], aliases: [] };
  const missingIds = new Set(c.missing.map((r) => r.id));
  const claimed = new Set<number>();

  await mapLimit(c.changed, deps.concurrency ?? 4, async ({ row, entry }) => {
    try {
      const h = await deps.hash(entry);
      if (h === row.hash) out.touched.push({ row, entry });
      else out.analyze.push({ entry, hash: h });
    } catch (err) {
      out.failed.push({ path: entry.path, reason: `cannot read (${errnoWords(err)})` });
    }
    deps.onHashed?.();
  });

  const freshHashes = new Map<DiskEntry, string>();
  await mapLimit(c.fresh, deps.concurrency ?? 4, async (entry) => {
    try {
      freshHashes.set(entry, await deps.hash(entry));
    } catch (err) {
      out.failed.push({ path: entry.path, reason: `cannot read (${errnoWords(err)})` });
    }
    deps.onHashed?.();
  });
  // Claim moves in path order so the outcome depends on neither hashing nor scan order.
  const byPathOnly = (a: DiskEntry, b: DiskEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  // The same file reached by two paths (a symlinked folder, overlapping roots) is one track, found by its inode.
  const takenKeys = new Map<string, string>();
  const canonical = deps.canonical;
  for (const entry of [...c.fresh].sort(byPathOnly)) {
    const h = freshHashes.get(entry);
    if (h === undefined) continue;
    const key = entry.key ?? deps.fileKey?.(entry.path);
    const taken = key === undefined ? undefined : takenKeys.get(key);
    // A missing row is not there any more under its path (or that path is an alias of this one now).
    const row = key === undefined || taken !== undefined ? undefined : deps.byHash(h).find((r) => r.path !== entry.path && !missingIds.has(r.id) && deps.fileKey?.(r.path) === key);
    if (key !== undefined && row && !claimed.has(row.id) && canonical !== undefined && canonical(entry.path) && !canonical(row.path)) {
      // Catalogued (outside these roots) under a link to this file: the track follows to the file's own path (review R1.3).
      claimed.add(row.id);
      takenKeys.set(key, entry.path);
      out.moved.push({ row, entry });
      continue;
    }
    const sameFile = taken ?? row?.path;
    if (sameFile !== undefined) {
      out.aliases.push({ entry, of: sameFile });
      continue;
    }
    if (key !== undefined) takenKeys.set(key, entry.path);
    const source = deps
      .byHash(h)
      .find((r) => !claimed.has(r.id) && (missingIds.has(r.id) || (!deps.exists(r.path) && r.path !== entry.path)));
    if (source) {
      claimed.add(source.id);
      out.moved.push({ row: source, entry });
    } else {
      out.analyze.push({ entry, hash: h });
    }
  }
  out.removed = c.missing.filter((r) => !claimed.has(r.id));
  for (const { row, entry } of c.outdated) out.analyze.push({ entry, hash: row.hash });
  const byPath = (a: { entry: DiskEntry }, b: { entry: DiskEntry }) => byPathOnly(a.entry, b.entry);
  out.analyze.sort(byPath);
  out.touched.sort(byPath);
  return out;
}

/**
 * One entry per file: paths the scan found to one file (a link to a file beside it, a hard link,
 * overlapping roots through a linked folder) keep the file's own path — not a link, and its real
 * path where `canonical` says so — else the first by path; the others are aliases of it (review
 * R1.3: the first by path won, so a link was catalogued and the user's own file "ignored").
 */
export function oneEntryPerFile(disk: readonly DiskEntry[], canonical: (path: string) => boolean): { kept: DiskEntry[]; aliases: Array<{ entry: DiskEntry; of: string }> } {
  const groups = new Map<string, DiskEntry[]>();
  for (const e of disk) if (e.key !== undefined) groups.set(e.key, [...(groups.get(e.key) ?? []), e]);
  const aliasOf = new Map<DiskEntry, string>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const rank = (e: DiskEntry): number => (e.link ? 2 : canonical(e.path) ? 0 : 1);
    const own = group.reduce((best, e) => (rank(e) < rank(best) || (rank(e) === rank(best) && e.path < best.path) ? e : best));
    for (const e of group) if (e !== own) aliasOf.set(e, own.path);
  }
  return {
    kept: disk.filter((e) => !aliasOf.has(e)),
    aliases: disk.filter((e) => aliasOf.has(e)).map((entry) => ({ entry, of: aliasOf.get(entry)! })),
  };
}
