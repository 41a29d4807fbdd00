/**
 * Indexing a music library into the catalog.
 *
 * INTEGRATION POINTS
 * - What a file becomes is injected, not imported: `options.components` names a module whose
 *   `createIndexerComponents(options)` returns { analyzer: TrackAnalyzer, embedder?: SegmentEmbedder }
 *   (contracts.ts). Each worker thread builds its own from that module, so ffmpeg, descriptors
 *   and ONNX inference run off this thread. Default: default-components.ts (switch it to the real
 *   features/ + encoders/ there, not here).
 * - Results are written here, on the calling thread, one file per transaction (saveAnalysis),
 *   so a kill at any moment leaves only whole files in the catalog and a rerun skips them. Files
 *   go to the workers in batches (one ffmpeg each) and are committed when their batch is back, so
 *   a kill loses at most the batches in flight: jobs × BATCH_FILES analysed files.
 *
 * A run: scan roots → classify against the catalog (path + size + mtime) → hash new and
 * changed files → touched / moved / to analyse / removed → apply moves and removals → analyse
 * in N workers, in batches, committing each file of a batch when the batch is back → embed unchanged tracks that lack
 * segments for the current model version (from stored features, no decoding).
 *
 * One indexer per catalog at a time: a run first claims the catalog with a 'running' index job
 * (checked and inserted in one IMMEDIATE transaction, so two processes cannot both pass); a second
 * indexer meanwhile gets an input error naming the other's pid, instead of analysing the same
 * files again. A claim left by a killed process is released by its pid being gone.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Catalog } from '../catalog/db';
import type { FileRow } from '../catalog/types';
import { getFeatures } from '../catalog/features';
import { deleteFiles, filesByHash, filesUnder, moveFile, updateFileStat } from '../catalog/files';
import { putSegments, tracksMissingSegments } from '../catalog/segments';
import { filesAnalysedBefore, saveAnalysis } from '../catalog/tracks';
import { cancelledError, isCancelled, NeedledropError } from '../errors';
import { ProgressMeter, type ProgressSnapshot } from '../jobs/progress';
import { finishJob, listJobs, markInterruptedJobs, startJob, updateJob } from '../jobs/store';
import { workerModule } from '../jobs/worker-entry';
import { WorkerPool } from '../jobs/worker-pool';
import { fromWire } from '../jobs/worker-protocol';
import { contentHash } from './content-hash';
import type { ComponentsRef } from './contracts';
import { DEFAULT_COMPONENTS } from './default-components';
import { classify, oneEntryPerFile, plan } from './plan';
import { probe } from '../media/probe';
import { errnoWords } from '../util/errno';
import { isUnder } from '../util/path-under';
import { fileKey, findAudioFiles, type DiskEntry, type ScanSkip } from './scan';
import type { AnalyzedFile, IndexTask, IndexTaskResult } from './worker';
import { errorMessage } from '../util/error-message';

export interface IndexProgress {
  phase: 'hash' | 'analyze';
  snapshot: ProgressSnapshot;
  /** The file just finished, when there is one. */
  item?: string;
}

export interface IndexOptions {
  /** Worker threads; default: the machine's cores. */
  jobs?: number;
  components?: ComponentsRef;
  /**
   * At most this many files go to a worker at once, decoded by one ffmpeg when the components
   * can (default BATCH_FILES; 1: one ffmpeg per file, as before batches).
   */
  batch?: number;
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
  /**
   * A file last written less than this many ms before its analysis is back is stored only once it has
   * stayed the same that long after that write (default SETTLE_MS): see `settledOrWhy`.
   */
  settleMs?: number;
  /** How that wait is waited (default a timer the signal ends); a test's writer goes on writing there. */
  settleWait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The clock a file's mtime is aged by (default Date.now). */
  now?: () => number;
  /** The data folder, not scanned when a root holds it. */
  dataFolder?: string;
}

export interface IndexReport {
  indexed: number;
  unchanged: number;
  removed: number;
  /** Catalogued files kept as they were because their folder (or the file) could not be read, or their root came back empty. */
  unavailable: number;
  moved: number;
  /** Unchanged tracks given segments for the current model version from stored features. */
  reembedded: number;
  /** Files that look like music but could not be indexed (analysis failed, or the scan could not take them), with why. */
  failed: Array<{ path: string; reason: string }>;
  /** Everything else under the roots that is not indexed (cover art, text, hidden folders), with why. */
  ignored: Array<{ path: string; reason: string }>;
  /** Indexed, but only part of the file could be used (cut short, decoding failed part-way, invalid samples): what to show. */
  partial: Array<{ path: string; cause: string }>;
  cancelled: boolean;
  embedderVersion: string | null;
  /** The components' note, e.g. why no segments were embedded. */
  note: string | null;
}

const WORKER_ENTRY = workerModule('library-worker', new URL('./worker.ts', import.meta.url));

/**
 * Files per batch: ffmpeg's start-up (~0.07–0.1 CPU-s) is paid once per batch, so 8 files save
 * 7/8 of it; more saves little and keeps more files in flight (lost to a kill, held in memory).
 */
export const BATCH_FILES = 8;

/**
 * `items` in consecutive batches of at most `max`, sizes differing by at most one, and at least
 * four per lane where there are that many items: each of `lanes` workers gets work, and in a small
 * library a kill or a cancel loses at most a quarter of a worker's share and progress moves
 * several times (a batch's files are committed together, when it is back). From 4 × max × lanes
 * files on, batches are full.
 */
export function batchesOf<T>(items: readonly T[], lanes: number, max: number): T[][] {
  if (items.length === 0) return [];
  const count = Math.max(Math.ceil(items.length / max), Math.min(4 * lanes, items.length));
  const out: T[][] = [];
  for (let b = 0, at = 0; b < count; b++) {
    const size = Math.floor(items.length / count) + (b < items.length % count ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}

/** worker.ts answers each task with a result of the task's own kind. */
type AnswerTo<K extends IndexTask['kind']> = Extract<IndexTaskResult, { kind: K }>;

/** A fault of the file itself (the analyzer or the catalog refused it), not of the machinery. */
function isInputError(err: unknown): boolean {
  return err instanceof NeedledropError && err.kind === 'input';
}

/** The cause without the "path: " prefix inputError puts in front. */
function reasonOf(err: unknown, path: string): string {
  const msg = errorMessage(err);
  const bare = msg.startsWith(`${path}: `) ? msg.slice(path.length + 2) : msg;
  return isInputError(err) ? bare : `internal error: ${bare.split('\n')[0]}`;
}

/** Claim the catalog for one index run: a 'running' index job of a live process means someone else is at it. */
function claimCatalog(db: Catalog): number {
  return db
    .transaction(() => {
      markInterruptedJobs(db);
      const other = listJobs(db, 'index').find((j) => j.state === 'running');
      if (other) {
        // In this process it is the app's own scan (the opening one, Watch's) the user's Scan met (review R27).
        const message =
          other.pid === process.pid
            ? `a scan is already running (started ${Math.max(0, Math.round((Date.now() - other.startedAt) / 1000))} s ago); wait for it to finish`
            : `${db.name}: the catalog is being indexed by another process (pid ${other.pid}) since ${new Date(other.startedAt).toISOString()}; wait for it to finish`;
        throw new NeedledropError('input', message, { file: db.name, code: 'busy' });
      }
      return startJob(db, 'index', 0);
    })
    .immediate();
}

/** Whether `path` is the file's own: its real path, reached through no link. */
function isRealPath(path: string): boolean {
  try {
    return realpathSync(path) === path;
  } catch {
    return false;
  }
}

/** Why a file with a picture that moves is not catalogued, whatever its name (review R30, R1.7). */
export const VIDEO_SKIP = 'a video (it has a picture): not indexed as music';

/** Why an analysis was not stored: the file moved under it (review R1.6: a file still being written was catalogued cut short). */
export const CHANGED_WHILE_READ = 'changed while it was read (still being written?): indexed again on the next scan';

/**
 * How long a file must have stayed the same since it was last written before its analysis is stored.
 * A download or a copy that pauses between bursts looks finished during a pause; the watcher's own
 * settling (1.5 s) and the check around the read miss a pause longer than them (a 3 s stall was stored
 * as a track cut short). Longer stalls still pass: nothing on disk tells them from a finished file.
 */
export const SETTLE_MS = 3000;

/** Why an analysis was not stored: the file was written again while it settled (a download between bursts). */
export function stillBeingWritten(settleMs: number): string {
  return `still being written (written again less than ${settleMs / 1000} s after it last was): not stored; indexed by the next scan once it stops changing`;
}

/**
 * Why the file is no longer what the scan saw (size and mtime), so that its analysis describes a
 * file that is not there any more; null when it still is.
 */
function movedUnder(entry: DiskEntry): string | null {
  try {
    const st = statSync(entry.path);
    return st.size === entry.size && Math.trunc(st.mtimeMs) === entry.mtimeMs ? null : CHANGED_WHILE_READ;
  } catch (err) {
    return `removed while it was read (${errnoWords(err)}): not indexed`;
  }
}

interface Settle {
  ms: number;
  wait: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
}

/**
 * Why the analysis of `entry` must not be stored, or null when it may: the file moved under the read
 * (movedUnder), or, written less than `settle.ms` ago, it was written again before it had stayed the
 * same for `settle.ms` after that write (waited for here, at most `settle.ms`: an mtime in the future
 * is not waited for longer). The analysis is mostly done by then, so the wait is what is left of it.
 */
async function settledOrWhy(entry: DiskEntry, settle: Settle, signal: AbortSignal): Promise<string | null> {
  const moved = movedUnder(entry);
  if (moved !== null) return moved;
  const left = Math.min(settle.ms, entry.mtimeMs + settle.ms - settle.now());
  if (left <= 0) return null;
  await settle.wait(left, signal);
  const after = movedUnder(entry);
  return after === CHANGED_WHILE_READ ? stillBeingWritten(settle.ms) : after;
}

/** Another path to a file catalogued (or kept) under `of`. */
const aliasReason = (of: string): string => `the same file as ${of} (another path to it, e.g. through a link): catalogued once`;

/**
 * The scan's entries without the video files: a file named like a video container (.webm, .mp4,
 * …) is music only when it has sound and no picture (review R30: yt-dlp's audio-only .webm and a
 * store's .mp4 were "not audio"). Each new or changed one is asked of ffprobe; one catalogued
 * unchanged was judged before.
 */
async function soundOnly(entries: readonly DiskEntry[], known: readonly FileRow[], skip: (s: ScanSkip) => void, signal: AbortSignal): Promise<DiskEntry[]> {
  const catalogued = new Map(known.map((r) => [r.path, r]));
  const out: DiskEntry[] = [];
  for (const e of entries) {
    const row = catalogued.get(e.path);
    if (!e.maybeVideo || (row && row.size === e.size && row.mtimeMs === e.mtimeMs)) {
      out.push(e);
      continue;
    }
    let info;
    try {
      info = await probe(e.path, { signal });
    } catch (err) {
      if (isCancelled(err)) throw err;
      skip({ path: e.path, reason: reasonOf(err, e.path), audio: true });
      continue;
    }
    if (info.streams.some((s) => s.type === 'video' && !s.attachedPic)) skip({ path: e.path, reason: VIDEO_SKIP, audio: false });
    else if (!info.streams.some((s) => s.type === 'audio')) skip({ path: e.path, reason: 'no sound in it', audio: false });
    else out.push(e);
  }
  return out;
}

/**
 * Folders that look like an unplugged drive or an unmounted share while the catalog holds tracks
 * in them: a root where the scan found no file at all, and inside a root the deepest folder still
 * there above a missing file when it is empty (a mount point left behind). Their tracks are kept;
 * a folder that is gone, or one that still holds other things, loses its missing files as before.
 */
async function foldersFoundEmpty(roots: readonly string[], disk: readonly DiskEntry[], known: readonly FileRow[]): Promise<Array<{ folder: string; catalogued: number }>> {
  const out = new Map<string, number>();
  for (const root of roots) {
    // A folder root: nothing found is the root itself, so "under" is "inside".
    const under = (p: string): boolean => isUnder(p, root);
    if (!(await stat(root)).isDirectory() || disk.some((e) => under(e.path))) continue;
    const catalogued = known.filter((r) => under(r.path)).length;
    if (catalogued > 0) out.set(root, catalogued);
  }
  const found = new Set(disk.map((e) => e.path));
  const emptyRoots = [...out.keys()];
  const emptyDir = new Map<string, boolean>();
  for (const row of known) {
    // Rows of an empty root are counted above; every row of an empty sub-folder counts (review R24: only its first did).
    if (found.has(row.path) || emptyRoots.some((f) => isUnder(row.path, f))) continue;
    const root = roots.find((r) => isUnder(row.path, r) && row.path !== r);
    if (!root) continue;
    let dir = dirname(row.path);
    while (dir.length > root.length && !existsSync(dir)) dir = dirname(dir);
    if (dir.length <= root.length) continue;
    if (!emptyDir.has(dir)) emptyDir.set(dir, await readdir(dir).then((names) => names.length === 0, () => false));
    if (emptyDir.get(dir)) out.set(dir, (out.get(dir) ?? 0) + 1);
  }
  return [...out].map(([folder, catalogued]) => ({ folder, catalogued }));
}

export async function indexLibrary(db: Catalog, roots: readonly string[], options: IndexOptions = {}): Promise<IndexReport> {
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new NeedledropError('usage', `the number of jobs must be an integer ≥ 1, got ${jobs}`);
  const batch = options.batch ?? BATCH_FILES;
  if (!Number.isInteger(batch) || batch < 1) throw new NeedledropError('usage', `the batch size must be an integer ≥ 1, got ${batch}`);
  const signal = options.signal ?? new AbortController().signal;
  const absRoots = roots.map((r) => resolve(r));
  const jobId = claimCatalog(db);
  try {
    return await indexClaimed(db, jobId, absRoots, { jobs, batch }, signal, options);
  } catch (err) {
    finishJob(db, jobId, isCancelled(err) ? 'cancelled' : 'failed', isCancelled(err) ? {} : { error: errorMessage(err) });
    throw err;
  }
}

async function indexClaimed(db: Catalog, jobId: number, absRoots: string[], { jobs, batch }: { jobs: number; batch: number }, signal: AbortSignal, options: IndexOptions): Promise<IndexReport> {
  const skipped: ScanSkip[] = [];
  const scanned = await findAudioFiles(absRoots, { signal, onSkip: (s) => skipped.push(s), ...(options.dataFolder !== undefined ? { dataFolder: options.dataFolder } : {}) });
  const components = options.components ?? DEFAULT_COMPONENTS;
  const { analysisVersion } = components;
  const outdated = analysisVersion === undefined ? new Set<number>() : filesAnalysedBefore(db, analysisVersion);
  const known = filesUnder(db, absRoots);
  const disk = await soundOnly(scanned, known, (s) => skipped.push(s), signal);
  const unreadable = skipped.filter((s) => s.unreadable).map((s) => s.path);
  const emptyFolders = await foldersFoundEmpty(absRoots, disk, known);
  // Two paths to one file: the file's own path is catalogued, a link to it is an alias (a catalogued link's track follows to it).
  const single = oneEntryPerFile(disk, isRealPath);
  const classified = classify(known, single.kept, outdated, [...unreadable, ...emptyFolders.map((f) => f.folder)]);

  const hashMeter = new ProgressMeter('hashing', classified.changed.length + classified.fresh.length);
  const p = await plan(classified, {
    hash: (e) => contentHash(e.path, e.size),
    byHash: (h) => filesByHash(db, h),
    exists: (path) => existsSync(path),
    fileKey,
    canonical: isRealPath,
    onHashed: () => options.onProgress?.({ phase: 'hash', snapshot: hashMeter.tick() }),
  });

  // A track whose file was found elsewhere (the same content) has moved, not gone missing with its folder: it
  // was reported both "moved" and "unavailable (kept)" with a false empty-folder warning (review R4.1).
  const movedIds = new Set(p.moved.map(({ row }) => row.id));
  const unavailable = classified.unavailable.filter((r) => !movedIds.has(r.id));
  for (const { folder } of emptyFolders) {
    const catalogued = unavailable.filter((r) => isUnder(r.path, folder)).length;
    if (catalogued === 0) continue;
    // A root's tracks go only on request (review R26): removing the folder with its tracks.
    const drop = absRoots.includes(folder) ? '; to drop them, remove the folder with its tracks (Library, or needledrop index --forget DIR --yes)' : '; delete the empty folder to drop them';
    skipped.push({
      path: folder,
      reason: `the folder is empty, but ${catalogued} catalogued track${catalogued === 1 ? ' was' : 's were'} in it (an unplugged drive or an unmounted share?): kept until the folder is back${drop}`,
      audio: true,
    });
  }

  if (signal.aborted) throw cancelledError('indexing');

  const report: IndexReport = {
    indexed: 0,
    unchanged: p.unchanged.length + p.touched.length,
    removed: p.removed.length,
    unavailable: unavailable.length,
    moved: p.moved.length,
    reembedded: 0,
    failed: [...p.failed, ...skipped.filter((s) => s.audio).map(({ path, reason }) => ({ path, reason }))],
    ignored: [
      ...skipped.filter((s) => !s.audio).map(({ path, reason }) => ({ path, reason })),
      ...[...single.aliases, ...p.aliases].map(({ entry, of }) => ({ path: entry.path, reason: aliasReason(of) })),
    ],
    partial: [],
    cancelled: false,
    embedderVersion: null,
    note: null,
  };
  db.transaction(() => {
    for (const { row, entry } of p.touched) updateFileStat(db, row.id, entry);
    for (const { row, entry } of p.moved) moveFile(db, row.id, entry);
  })();
  deleteFiles(db, p.removed.map((r) => r.id));
  // Files that were catalogued and changed: if re-analysis fails their old analysis is wrong.
  const stale = new Map(classified.changed.map(({ row }) => [row.path, row.id]));
  // Catalogued files analysed again (changed, or by an older analyzer): one found to be a video leaves the catalog.
  const analysedAgain = new Map([...classified.changed, ...classified.outdated].map(({ row }) => [row.path, row.id]));

  updateJob(db, jobId, 0, p.analyze.length);
  const pool = new WorkerPool<IndexTask, IndexTaskResult>({
    size: Math.max(1, Math.min(jobs, p.analyze.length)),
    entry: WORKER_ENTRY,
    workerData: { components },
    signal,
  });
  try {
    const described = (await pool.run({ kind: 'describe' })) as AnswerTo<'describe'>;
    const version = described.embedderVersion;
    report.embedderVersion = version;
    report.note = described.note;

    const keptFileIds = new Set([...p.unchanged, ...p.touched.map((t) => t.row), ...p.moved.map((m) => m.row)].map((r) => r.id));
    const toEmbed = version === null ? [] : tracksUnder(db, keptFileIds, tracksMissingSegments(db, version));
    const meter = new ProgressMeter('indexing', p.analyze.length + toEmbed.length);
    const done = (item: string): void => {
      const snapshot = meter.tick();
      updateJob(db, jobId, snapshot.done, snapshot.total);
      options.onProgress?.({ phase: 'analyze', snapshot, item });
    };
    const fail = (path: string, err: unknown): void => {
      if (isCancelled(err)) return;
      report.failed.push({ path, reason: reasonOf(err, path) });
      const id = stale.get(path);
      if (id !== undefined) deleteFiles(db, [id]);
      done(path);
    };

    const settle: Settle = {
      ms: options.settleMs ?? SETTLE_MS,
      wait: options.settleWait ?? ((ms, s) => sleep(ms, undefined, { signal: s })),
      now: options.now ?? Date.now,
    };
    const save = async ({ entry, hash }: (typeof p.analyze)[number], r: AnalyzedFile): Promise<void> => {
      const { info, seq, summary } = r.analysis;
      const moved = await settledOrWhy(entry, settle, signal);
      if (moved !== null) {
        // Not stored as the file's: a catalogued one keeps its row and stat, which no longer match, so the next scan takes it again.
        report.failed.push({ path: entry.path, reason: moved });
        return done(entry.path);
      }
      if (r.analysis.video) {
        report.ignored.push({ path: entry.path, reason: VIDEO_SKIP });
        const id = analysedAgain.get(entry.path);
        if (id !== undefined) deleteFiles(db, [id]);
        return done(entry.path);
      }
      try {
        saveAnalysis(db, {
          file: { path: entry.path, size: entry.size, mtimeMs: entry.mtimeMs, hash },
          info,
          summary: analysisVersion === undefined ? summary : { ...summary, analysisVersion },
          features: seq,
          ...(r.segments ? { segments: { modelVersion: r.segments.version, set: r.segments.set } } : {}),
        });
      } catch (err) {
        // The catalog refused this file's analysis (a NaN, say): that file fails, the run goes on.
        // Anything else (the disk, SQLite) still ends the run.
        if (isInputError(err)) return fail(entry.path, err);
        throw err;
      }
      report.indexed++;
      const partial = summary.partial as { cause?: unknown } | undefined;
      if (typeof partial?.cause === 'string') report.partial.push({ path: entry.path, cause: partial.cause });
      done(entry.path);
    };
    const analyzeOne = (f: (typeof p.analyze)[number]): Promise<void> =>
      pool.run({ kind: 'analyze', path: f.entry.path }).then(
        (answer) => save(f, answer as AnswerTo<'analyze'>),
        (err: unknown) => fail(f.entry.path, err),
      );
    // In batches when the components can (one ffmpeg per batch); each file is still saved, failed
    // and counted on its own, in order, as soon as its batch is back.
    const analyses =
      described.batches && batch > 1
        ? batchesOf(p.analyze, pool.size, batch).map((files) =>
            pool.run({ kind: 'analyze-batch', paths: files.map((f) => f.entry.path) }).then(
              async (answer) => {
                const { outcomes } = answer as AnswerTo<'analyze-batch'>;
                for (const [i, f] of files.entries()) {
                  const o = outcomes[i];
                  if (o.ok) await save(f, o);
                  else fail(f.entry.path, fromWire(o.error));
                }
              },
              async (err: unknown) => {
                if (isCancelled(err)) return;
                // The worker died (out of memory, a native crash) and took the whole batch with it:
                // each file again as a task of its own, so only the one that kills a worker fails.
                await Promise.all(files.map(analyzeOne));
              },
            ),
          )
        : p.analyze.map(analyzeOne);
    const embeds = toEmbed.map(({ trackId, path }) => {
      const seq = getFeatures(db, trackId, 'audio');
      if (!seq) return Promise.resolve();
      return pool.run({ kind: 'embed', seq }, { transfer: [seq.data.buffer as ArrayBuffer] }).then(
        (answer) => {
          const { segments } = answer as AnswerTo<'embed'>;
          putSegments(db, trackId, segments.version, segments.set);
          report.reembedded++;
          done(path);
        },
        (err: unknown) => {
          if (!isCancelled(err)) report.failed.push({ path, reason: `embedding failed: ${reasonOf(err, path)}` });
        },
      );
    });
    await Promise.all([...analyses, ...embeds]);
  } catch (err) {
    if (!isCancelled(err)) throw err;
  } finally {
    await pool.close();
  }
  report.cancelled = signal.aborted;
  finishJob(db, jobId, report.cancelled ? 'cancelled' : 'done', { detail: { ...report, failed: report.failed.length, ignored: report.ignored.length, partial: report.partial.length } });
  // A path fails at most once, so no two compare equal.
  report.failed.sort((a, b) => (a.path < b.path ? -1 : 1));
  return report;
}

/** Of `trackIds`, those whose file is one of `fileIds`, with their paths. */
function tracksUnder(db: Catalog, fileIds: ReadonlySet<number>, trackIds: readonly number[]): Array<{ trackId: number; path: string }> {
  const stmt = db.prepare<[number], { file_id: number; path: string }>(
    'SELECT t.file_id, f.path FROM tracks t JOIN files f ON f.id = t.file_id WHERE t.id = ?',
  );
  const out: Array<{ trackId: number; path: string }> = [];
  for (const id of trackIds) {
    const r = stmt.get(id);
    if (r && fileIds.has(r.file_id)) out.push({ trackId: id, path: r.path });
  }
  return out;
}
