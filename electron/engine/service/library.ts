/**
 * The library: its folders, scanning them into the catalog, and the track table (sort, filter,
 * search, paging) the Library screen and `needledrop status` read.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { FailedFile, ScanReport, TrackDetail, TrackListItem, TrackPage, TrackSortKey } from '../../contract/types';
import { EngineError } from '../../contract/errors';
import type { Catalog } from '../catalog/db';
import { fileByPath, filesUnder } from '../catalog/files';
import { loadSegmentMatrix } from '../catalog/segments';
import { getTrack, listTracks } from '../catalog/tracks';
import type { FileRow, TrackRow } from '../catalog/types';
import { inputError } from '../errors';
import { DEFAULT_COMPONENTS } from '../library/default-components';
import { indexLibrary, type IndexProgress } from '../library/indexer';
import { fileKey, findAudioFiles, type DiskEntry } from '../library/scan';
import { isUnder } from '../util/path-under';
import { realOrSelf } from '../util/real-path';
import type { RegistryOptions } from '../models/registry';
import { trackEnergy, withEnergyMeans } from '../app/energy';
import { keyLabel, NO_KEY } from '../app/scales';
import type { JobHandle } from './jobs';
import { writeFileAtomic } from '../util/atomic-write';
import { finite } from '../util/finite';


export function normaliseFolder(path: string): string {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw inputError(abs, 'no such folder');
  }
  if (!st.isDirectory()) throw inputError(abs, 'not a folder');
  return abs;
}


/**
 * Why `folder` cannot be a library folder because of the data folder: it is the data folder, or inside
 * it (by real paths). A folder that holds the data folder is taken; its scan leaves the data folder out.
 */
export function dataFolderProblem(folder: string, dataDir: string): string | null {
  const [real, data] = [realOrSelf(folder), realOrSelf(dataDir)];
  if (!isUnder(real, data)) return null;
  return `${folder} ${real === data ? 'is' : 'is inside'} Needledrop's data folder ${dataDir}, which holds its catalog, caches and models, not music: choose a music folder`;
}

/**
 * Why `folder` is a library folder already, or null: listed as it is, the same folder through a
 * symbolic link, or inside a listed one, by real paths (review R1.12: a link to a listed folder
 * became a second folder, with two watchers and its failures listed twice).
 */
export function alreadyListed(folder: string, listed: readonly string[]): { as: string; why: 'listed' | 'link' | 'inside' } | null {
  if (listed.includes(folder)) return { as: folder, why: 'listed' };
  const real = realOrSelf(folder);
  for (const f of listed) {
    const other = realOrSelf(f);
    if (isUnder(real, other)) return { as: f, why: real === other ? 'link' : 'inside' };
  }
  return null;
}

/** A table row as cached per catalog state; whether it is in a library folder is added per query (the folders change on their own). */
type Row = Omit<TrackListItem, 'outside' | 'unavailable'>;

/** Under none of `folders`: no scan reaches the file (indexed from elsewhere, or its folder removed with its tracks kept). */
const outsideOf = (folders: readonly string[]) => (t: { path: string }): boolean => !folders.some((f) => isUnder(t.path, f));

export function listItem(row: TrackRow, searchable: boolean): Row {
  const s = row.summary;
  return {
    id: row.id,
    path: row.path,
    title: row.title,
    artist: row.artist,
    album: row.album,
    duration: row.duration,
    // As stored (the analysis keeps 0.01), as the match results give it: one value, rounded once by the screen (176.47 was 176.5 here, shown 177 beside Match's 176).
    bpm: finite(s.bpm) ? s.bpm : null,
    key: keyLabel(s.key, s.mode),
    energy: Math.round(trackEnergy(s) * 1000) / 1000,
    searchable,
    // Stored as { decodedSeconds, cause } by the analyser (a bare string in older catalogs).
    partial: typeof s.partial === 'string' ? s.partial : typeof (s.partial as { cause?: unknown } | undefined)?.cause === 'string' ? (s.partial as { cause: string }).cause : null,
  };
}

/** Track ids that have segments for `version`. */
export function searchableIds(db: Catalog, version: string): Set<number> {
  const rows = db.prepare<[string], { track_id: number }>('SELECT track_id FROM segments WHERE model_version = ?').all(version);
  return new Set(rows.map((r) => r.track_id));
}

export interface TrackQuery {
  search?: string;
  sort?: TrackSortKey;
  descending?: boolean;
  offset?: number;
  limit?: number;
  outside?: boolean;
}

/** One collator for every comparison: String.localeCompare builds one per call (10× slower at 10k rows). */
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** What the table shows in the Title column: the title tag, else the file's name (untagged files sorted last read as out of order). */
const shownTitle = (t: Row): string => t.title?.trim() || basename(t.path);

/** A cell's value, or null when it says "not found": the key column's NO_KEY is unknown, not a key to sort among the others. */
const known = <T>(column: TrackSortKey, v: T): T | null => (column === 'key' && v === NO_KEY ? null : v);

function compare(key: TrackSortKey, descending: boolean): (a: Row, b: Row) => number {
  const sign = descending ? -1 : 1;
  return (a, b) => {
    const x = known(key, key === 'title' ? shownTitle(a) : a[key]);
    const y = known(key, key === 'title' ? shownTitle(b) : b[key]);
    // Unknown values sort last either way: "BPM, fastest first" starts with the fastest track, not
    // with the tracks whose tempo was not found. Ties keep the catalog's order.
    if (x === null && y === null) return a.id - b.id;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return c !== 0 ? sign * c : a.id - b.id;
  };
}

/**
 * The table's rows, parsed once per catalog state: parsing every summary (beat times included)
 * costs ~650 ms at 10,000 tracks, far too slow for a click that sorts. The key is cheap to read
 * (counts and sums over ids, index times and path lengths) and moves whenever a track is added,
 * removed, moved or re-analysed, or when segments for the version appear.
 */
const itemCache = new WeakMap<Catalog, { key: string; items: Row[]; sorted: Map<string, Row[]> }>();

function catalogState(db: Catalog, version: string): string {
  const t = db.prepare<[], { n: number; m: number; s: number }>('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m, COALESCE(SUM(id), 0) AS s FROM tracks').get()!;
  // Re-analysis updates a file's indexed_at in place; a move (same mtime) changes its path.
  const f = db.prepare<[], { a: number; p: number }>('SELECT COALESCE(SUM(indexed_at), 0) AS a, COALESCE(SUM(LENGTH(path)), 0) AS p FROM files').get()!;
  const g = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM segments WHERE model_version = ?').get(version)!;
  return `${version}|${t.n}|${t.m}|${t.s}|${f.a}|${f.p}|${g.n}`;
}

function cached(db: Catalog, version: string): { items: Row[]; sorted: Map<string, Row[]> } {
  const key = catalogState(db, version);
  const hit = itemCache.get(db);
  if (hit?.key === key) return hit;
  const searchable = searchableIds(db, version);
  const entry = { key, items: withEnergyMeans(db, listTracks(db)).map((r) => listItem(r, searchable.has(r.id))), sorted: new Map<string, Row[]>() };
  itemCache.set(db, entry);
  return entry;
}

/** Every row in the asked order; each order is sorted once per catalog state (a sort click is a lookup). */
function orderedItems(db: Catalog, version: string, sort: TrackSortKey | undefined, descending: boolean): Row[] {
  const c = cached(db, version);
  if (!sort) return c.items;
  const k = `${sort}|${descending}`;
  let list = c.sorted.get(k);
  if (!list) {
    list = c.items.slice().sort(compare(sort, descending));
    c.sorted.set(k, list);
  }
  return list;
}

/**
 * One page of the track table: filtered by every word of `search` (title, artist, album, path, key)
 * and, with `outside`, to the tracks under none of the library `folders`; sorted.
 */
export function queryTracks(db: Catalog, version: string, q: TrackQuery, folders: readonly string[]): TrackPage {
  const isOutside = outsideOf(folders);
  let items = orderedItems(db, version, q.sort, q.descending ?? false);
  const outside = cached(db, version).items.filter(isOutside).length;
  if (q.outside) items = items.filter(isOutside);
  const words = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length) {
    items = items.filter((t) => {
      const hay = [t.title, t.artist, t.album, t.path, t.key, t.bpm === null ? '' : String(t.bpm)].join(' ').toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  }
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 200;
  return { total: items.length, offset, tracks: items.slice(offset, offset + limit).map((t) => ({ ...t, outside: isOutside(t), unavailable: !existsSync(t.path) })), outside };
}

export function trackDetail(db: Catalog, version: string, id: number, folders: readonly string[]): TrackDetail {
  const row = getTrack(db, id);
  if (!row) throw new EngineError({ code: 'not-found', message: `track ${id} is not in the catalog` });
  withEnergyMeans(db, [row]);
  const s = row.summary;
  const has = loadSegmentCount(db, version, id) > 0;
  return {
    ...listItem(row, has),
    outside: outsideOf(folders)(row),
    unavailable: !existsSync(row.path),
    beats: Array.isArray(s.beats) ? s.beats.filter(finite) : [],
    bpmConfidence: finite(s.tempoConfidence) ? s.tempoConfidence : null,
    loudnessLufs: finite(s.lufs) ? s.lufs : finite(s.loudnessLufs) ? s.loudnessLufs : null,
  };
}

function loadSegmentCount(db: Catalog, version: string, id: number): number {
  return db.prepare<[number, string], { n: number }>('SELECT n FROM segments WHERE track_id = ? AND model_version = ?').get(id, version)?.n ?? 0;
}

// ── failed files: the last scan's reasons, per path, until the file indexes or disappears ──

const FAILED_FILE = 'failed-files.json';

export function readFailed(dataDir: string): FailedFile[] {
  const file = join(dataDir, FAILED_FILE);
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(doc) ? doc.filter((f): f is FailedFile => typeof f?.path === 'string' && typeof f?.reason === 'string') : [];
  } catch {
    return [];
  }
}

function writeFailed(dataDir: string, failed: FailedFile[]): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, FAILED_FILE);
  writeFileAtomic(file, JSON.stringify(failed, null, 1));
}

/** Forget the unreadable files listed under `folder` (its tracks were dropped: no scan will report on it again). */
export function forgetFailedUnder(dataDir: string, folder: string): boolean {
  const failed = readFailed(dataDir);
  const kept = failed.filter((f) => !isUnder(f.path, folder));
  if (kept.length === failed.length) return false;
  writeFailed(dataDir, kept);
  return true;
}

/**
 * Of the catalogued files `rows` (under a folder being forgotten), those a library folder in `folders`
 * still reaches by another path: a symbolic link to the file there, or a hard link (the same device
 * and inode, as the scan tells two paths to one file). Each comes with that path, where its track
 * moves with its id (review R3.9: since the real path wins over a link, forgetting the real file's
 * folder dropped a track another library folder still links to, with its feedback and playlist places).
 * Of several such paths a file's own (no link) is taken, else the first by path; a path the catalog
 * already holds is no place to move to. Library folders that are not there (unplugged) are skipped.
 */
export async function reachedElsewhere(db: Catalog, folders: readonly string[], rows: readonly FileRow[]): Promise<Array<{ row: FileRow; entry: DiskEntry }>> {
  const byKey = new Map<string, FileRow>();
  for (const row of rows) {
    const key = fileKey(row.path);
    if (key !== undefined) byKey.set(key, row);
  }
  if (byKey.size === 0) return [];
  const best = new Map<string, DiskEntry>();
  for (const folder of folders) {
    let entries: DiskEntry[];
    try {
      entries = await findAudioFiles([folder]);
    } catch {
      continue; // not there or not a folder: nothing reached through it
    }
    for (const e of entries) {
      if (e.key === undefined || !byKey.has(e.key) || fileByPath(db, e.path) !== undefined) continue;
      const had = best.get(e.key);
      const rank = (x: DiskEntry): number => (x.link ? 1 : 0);
      if (!had || rank(e) < rank(had) || (rank(e) === rank(had) && e.path < had.path)) best.set(e.key, e);
    }
  }
  return [...best].map(([key, entry]) => ({ row: byKey.get(key)!, entry }));
}

/** Scan `folders` into the catalog as a job: hashing then analysis, each with count, rate and ETA. */
export async function scanFolders(
  db: Catalog,
  dataDir: string,
  folders: string[],
  opts: { jobs: number; registry: RegistryOptions },
  job: JobHandle,
): Promise<ScanReport> {
  if (folders.length === 0) {
    throw new EngineError({ code: 'invalid-request', message: 'no library folders: add a folder first' });
  }
  // A library folder that is not there (an unplugged drive) is left out, its tracks kept as they are:
  // it used to fail the whole scan ('folder not found'), so no other folder could be scanned meanwhile.
  // With none there, the indexer says so as before.
  const gone = folders.filter((f) => !existsSync(f));
  const leftOut = gone.length > 0 && gone.length < folders.length;
  const present = leftOut ? folders.filter((f) => !gone.includes(f)) : folders;
  const keptGone = leftOut ? filesUnder(db, gone).length : 0;
  // Workers get plain data: where the versions are (the active one is read there from the pointer).
  const registry: RegistryOptions = {
    ...(opts.registry.env?.NEEDLEDROP_HOME ? { env: { NEEDLEDROP_HOME: opts.registry.env.NEEDLEDROP_HOME } } : {}),
    ...(opts.registry.shippedDir ? { shippedDir: opts.registry.shippedDir } : {}),
  };
  const report = await indexLibrary(db, present, {
    jobs: opts.jobs,
    dataFolder: dataDir,
    components: { ...DEFAULT_COMPONENTS, options: { registry } },
    signal: job.signal,
    onProgress: (p: IndexProgress) => job.progress(p.phase, p.snapshot.done, p.snapshot.total, p.item ? { item: p.item } : {}),
  });
  // Keep reasons for files under other roots; replace those under the scanned ones.
  const under = (p: string): boolean => present.some((f) => isUnder(p, f));
  const kept = readFailed(dataDir).filter((f) => !under(f.path));
  writeFailed(dataDir, [...kept, ...report.failed]);
  const { indexed, unchanged, removed, unavailable, moved, reembedded, failed, ignored, partial, cancelled, note } = report;
  const goneNote = !leftOut ? null : `${gone.join(', ')}: not found (an unplugged drive?): not scanned, ${keptGone} track${keptGone === 1 ? '' : 's'} kept as ${keptGone === 1 ? 'it is' : 'they are'}.`;
  return { indexed, unchanged, removed, unavailable: unavailable + keptGone, moved, reembedded, failed, ignored, partial, cancelled, note: [note, goneNote].filter(Boolean).join(' ') || null };
}

export { loadSegmentMatrix };
