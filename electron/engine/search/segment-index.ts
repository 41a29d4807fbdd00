/**
 * A library's segments on disk, for libraries too large to hold as f32 in memory (ten million
 * segments are 5 GB of f32 rows). One folder per catalog and model version:
 *
 *   rows.f32     every segment row, a track's rows back to back (RowFile: read per query for
 *                the ~50 shortlisted tracks only)
 *   tracks.f64   per track: id, segment count (slot order)
 *   starts.f32   the start time of every row
 *   vectors.f32  the track vectors (normalised mean of each track's rows)
 *   scan.i8      the int8 scan's codes (ScanCodes.weights: every stride-th row, 7 bits)
 *   scan.onnx    the scan's graph, its weights read by onnxruntime straight from scan.i8
 *   meta.json    format, key, dim, counts, scan stride and scale; written last, so a folder
 *                whose meta.json has the expected key is complete
 *
 * Opening reads the tables into memory (at 10M segments: 40 MB of starts, 25 MB of track
 * vectors) and opens the scan's onnxruntime session on scan.onnx (onnxruntime packs the 83 MB of
 * codes at stride 16 itself); nothing is recomputed. The key says what the rows were made from (e.g.
 * segmentsFingerprint of the catalog): any other key, a missing or damaged file, is stale and
 * rebuilt, never used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cancelledError, inputError, isCancelled, NeedledropError } from '../errors';
import { writeScanModel } from './onnx-kernels';
import { RowFile, RowFileWriter } from './row-file';
import { quantiseScan, scanStride, SegmentScan } from './scan';
import { checkedRowCount, meanRow, SegmentStore } from './segment-store';
import type { SyncOptions, TrackId, SearchTrackInfo, TrackSegments } from './types';
import { writeFileAtomic } from '../util/atomic-write';
import { pidAlive } from '../util/pid';
import { errorMessage } from '../util/error-message';

const FORMAT = 2;

export interface SegmentIndexMeta {
  format: number;
  key: string;
  dim: number;
  segments: number;
  tracks: number;
  stride: number;
  /** Dequantisation scale of the scan codes. */
  scale: number;
}

/** What the index is built from: one track's rows and start times (summaries stay in the catalog). */
export type IndexTrack = Pick<TrackSegments, 'id' | 'embeddings' | 'starts'>;

export interface SegmentIndexOptions extends SyncOptions {
  /** Scan stride (default scanStride of the segment count). */
  stride?: number;
  /** onnxruntime threads of the scan; 0 uses every core. */
  threads?: number;
}

export interface OpenedSegmentIndex {
  meta: SegmentIndexMeta;
  /** Read-only store whose rows stay in rows.f32. */
  store: SegmentStore;
  /** The int8 scan, in sync with the store: pass it to the Matcher (MatcherOptions.scanner). */
  scan: SegmentScan;
  /** Release the scan's session and close rows.f32. */
  close(): Promise<void>;
}

const file = (dir: string, name: string): string => join(dir, name);

function writeArray(path: string, a: Float32Array | Float64Array | Int8Array): void {
  writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

type ArrayType<T> = { new (length: number): T; new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** A whole file as a typed array of `length` elements, or an input error naming it. */
function readArray<T extends Float32Array | Float64Array | Int8Array>(path: string, Type: ArrayType<T>, length: number): T {
  const bytes = readFileSync(path);
  const want = length * Type.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== want) throw inputError(path, `holds ${bytes.byteLength} bytes, expected ${want}: the segment index is damaged`);
  // Viewed, not copied (~0.1 s per 40 MB here): a large file gets its own buffer at offset 0, and
  // Node keeps its pool of small buffers aligned to 8 bytes, so the view is always aligned.
  return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
}

/**
 * Write a segment index from `tracks` (any order of ids; each once) into `dir`, replacing what
 * was there. Rows are streamed to disk as they come, so memory stays at one track plus the
 * per-track tables; the scan codes are then quantised from the file (one more pass).
 */
export async function writeSegmentIndex(
  dir: string,
  key: string,
  dim: number,
  tracks: Iterable<IndexTrack> | AsyncIterable<IndexTrack>,
  opts: SegmentIndexOptions = {},
): Promise<SegmentIndexMeta> {
  mkdirSync(dir, { recursive: true });
  rmSync(file(dir, 'meta.json'), { force: true });
  const rows = new RowFileWriter(file(dir, 'rows.f32'), dim);
  const starts = new RowFileWriter(file(dir, 'starts.f32'), 1);
  const vectors = new RowFileWriter(file(dir, 'vectors.f32'), dim);
  const table: number[] = [];
  const seen = new Set<TrackId>();
  const vector = new Float32Array(dim);
  let maxAbs = 0;
  try {
    for await (const track of tracks) {
      if (opts.signal?.aborted) throw cancelledError('building the segment index');
      const count = checkedRowCount(track, dim);
      if (seen.has(track.id)) throw new NeedledropError('internal', `track ${track.id} is given twice to the segment index`);
      seen.add(track.id);
      const e = track.embeddings;
      for (let x = 0; x < e.length; x++) maxAbs = Math.max(maxAbs, Math.abs(e[x]));
      rows.append(e);
      starts.append(Float32Array.from(track.starts));
      vectors.append(meanRow(e, count, dim, vector));
      table.push(track.id, count);
    }
  } finally {
    rows.close();
    starts.close();
    vectors.close();
  }
  if (table.length === 0) throw new NeedledropError('internal', `${dir}: a segment index needs at least one track`);
  writeArray(file(dir, 'tracks.f64'), Float64Array.from(table));
  const segments = rows.rows;
  const stride = opts.stride ?? scanStride(segments);
  const partial: SegmentIndexMeta = { format: FORMAT, key, dim, segments, tracks: table.length / 2, stride, scale: 0 };
  const { store, close } = openStore(dir, partial, noSummaries);
  try {
    const codes = await quantiseScan(store, stride, { ...opts, maxAbs });
    writeArray(file(dir, 'scan.i8'), codes.weights);
    writeScanModel(file(dir, 'scan.onnx'), 'scan.i8', dim, codes.weights.length / dim);
    const meta = { ...partial, scale: codes.scale };
    writeFileAtomic(file(dir, 'meta.json'), JSON.stringify(meta));
    return meta;
  } finally {
    close();
  }
}

/** The store opened while building is only quantised, which reads rows, never a track's summary: it holds none. */
const noSummaries = (): SearchTrackInfo => undefined as never;

/** The index's meta when `dir` holds a complete index for `key`, else null (a missing meta.json fails to read, like a garbled one). */
export function readSegmentIndexMeta(dir: string, key: string): SegmentIndexMeta | null {
  let meta: Partial<SegmentIndexMeta>;
  try {
    meta = JSON.parse(readFileSync(file(dir, 'meta.json'), 'utf8')) as Partial<SegmentIndexMeta>;
  } catch {
    return null;
  }
  return meta.format === FORMAT && meta.key === key ? (meta as SegmentIndexMeta) : null;
}

function openStore(dir: string, meta: SegmentIndexMeta, info: (id: TrackId) => SearchTrackInfo): { store: SegmentStore; close(): void } {
  const tablePath = file(dir, 'tracks.f64');
  const table = readArray(tablePath, Float64Array, 2 * meta.tracks);
  const ids: number[] = [];
  const counts: number[] = [];
  let segments = 0;
  for (let t = 0; t < meta.tracks; t++) {
    const [id, count] = [table[2 * t], table[2 * t + 1]];
    // A flipped low bit can leave the sum below unchanged (7 + 2^-50 rounds away in it), so each entry is checked too.
    if (!Number.isSafeInteger(id) || id < 0 || !Number.isSafeInteger(count) || count < 1) {
      throw inputError(tablePath, `slot ${t} holds id ${id} with ${count} segments, not a whole id ≥ 0 and count ≥ 1: the segment index is damaged`);
    }
    ids.push(id);
    counts.push(count);
    segments += count;
  }
  // Damage, not a bug: an input error, so the index is rebuilt (SegmentStore.onDisk's own check is an internal error).
  if (segments !== meta.segments) throw inputError(tablePath, `counts ${segments} segments, meta.json ${meta.segments}: the segment index is damaged`);
  const starts = readArray(file(dir, 'starts.f32'), Float32Array, meta.segments);
  const vectors = readArray(file(dir, 'vectors.f32'), Float32Array, meta.tracks * meta.dim);
  const rows = RowFile.open(file(dir, 'rows.f32'), meta.dim, meta.segments);
  try {
    return { store: SegmentStore.onDisk(rows, { ids, counts, starts, vectors }, info), close: () => rows.close() };
  } catch (err) {
    rows.close();
    throw err;
  }
}

/**
 * Open the index in `dir` built for `key`; null when there is none for that key. `info(id)`
 * gives each track's summary and mood (from the catalog). A damaged file is an input error
 * naming it.
 */
export async function openSegmentIndex(
  dir: string,
  key: string,
  info: (id: TrackId) => SearchTrackInfo,
  opts: Pick<SegmentIndexOptions, 'threads'> = {},
): Promise<OpenedSegmentIndex | null> {
  const meta = readSegmentIndexMeta(dir, key);
  return meta && openIndex(dir, meta, info, opts);
}

/** Open the complete index in `dir` described by `meta`. */
async function openIndex(dir: string, meta: SegmentIndexMeta, info: (id: TrackId) => SearchTrackInfo, opts: Pick<SegmentIndexOptions, 'threads'>): Promise<OpenedSegmentIndex> {
  const { store, close } = openStore(dir, meta, info);
  try {
    const codes = file(dir, 'scan.i8');
    const want = scanColumns(store, meta.stride) * meta.dim;
    const size = existsSync(codes) ? statSync(codes).size : -1;
    if (size !== want) throw inputError(codes, size < 0 ? 'is missing: the segment index is damaged' : `holds ${size} bytes, expected ${want}: the segment index is damaged`);
    const scan = new SegmentScan(meta.dim, { threads: opts.threads });
    const model = file(dir, 'scan.onnx');
    try {
      await scan.load(store, { stride: meta.stride, scale: meta.scale, model });
    } catch (err) {
      throw inputError(model, `cannot be opened (${errorMessage(err)}): the segment index is damaged`, err);
    }
    return {
      meta,
      store,
      scan,
      async close() {
        await scan.release();
        close();
      },
    };
  } catch (err) {
    close();
    throw err;
  }
}

function scanColumns(store: SegmentStore, stride: number): number {
  let cols = 0;
  for (let slot = 0; slot < store.trackCount; slot++) cols += Math.ceil(store.rowCount(slot) / stride);
  return cols;
}

/** The index in `dir` for `key` and `dim`, or null when it is missing, another key's or damaged (then it is to be rebuilt). */
async function openUsable(dir: string, key: string, dim: number, info: (id: TrackId) => SearchTrackInfo, opts: SegmentIndexOptions): Promise<OpenedSegmentIndex | null> {
  try {
    const opened = await openSegmentIndex(dir, key, info, opts);
    if (opened && opened.meta.dim === dim) return opened;
    await opened?.close();
  } catch (err) {
    // A damaged index is rebuilt; anything else (cancellation, a bug) is not ours to hide.
    if (isCancelled(err) || !(err instanceof NeedledropError && err.kind === 'input')) throw err;
  }
  return null;
}

/**
 * Open the index for `key`, building it first from `tracks()` when it is missing, built for
 * another key, or damaged. `built` says whether it was (re)built.
 */
export async function loadSegmentIndex(
  dir: string,
  key: string,
  dim: number,
  tracks: () => Iterable<IndexTrack> | AsyncIterable<IndexTrack>,
  info: (id: TrackId) => SearchTrackInfo,
  opts: SegmentIndexOptions = {},
): Promise<OpenedSegmentIndex & { built: boolean }> {
  const found = await openUsable(dir, key, dim, info, opts);
  if (found) return { ...found, built: false };
  const meta = await writeSegmentIndex(dir, key, dim, tracks(), opts);
  return { ...(await openIndex(dir, meta, info, opts)), built: true };
}

/** Prefix of folders being built: `.building-<pid>-<random>`. */
const BUILDING = '.building-';

/** Remove what is not `keep` under `root`: other keys' indexes, and builds whose process is gone. Best effort (a reader may hold files open). */
function prune(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    if (name === keep) continue;
    if (name.startsWith(BUILDING) && pidAlive(Number(name.slice(BUILDING.length).split('-')[0]))) continue;
    try {
      rmSync(join(root, name), { recursive: true });
    } catch {
      // Still open elsewhere (Windows), or removed by another process meanwhile: the next build tries again.
    }
  }
}

/**
 * Like loadSegmentIndex, but safe for several processes sharing `root` (the app and the CLI on
 * one catalog): each key gets its own folder, root/<sha256 of key>, which is only ever created
 * complete. A build writes into a private folder (root/.building-<pid>-<random>) and renames it
 * into place, so a crash mid-build, or a reader in another process, never sees a half-written
 * index, and a rebuild never truncates files another process is reading. Other keys' folders
 * and dead builds are removed afterwards.
 */
export async function loadSegmentIndexIn(
  root: string,
  key: string,
  dim: number,
  tracks: () => Iterable<IndexTrack> | AsyncIterable<IndexTrack>,
  info: (id: TrackId) => SearchTrackInfo,
  opts: SegmentIndexOptions & { /** Called when a build starts (it can take minutes). */ onBuild?: () => void } = {},
): Promise<OpenedSegmentIndex & { built: boolean }> {
  const name = createHash('sha256').update(key).digest('hex').slice(0, 32);
  const dir = join(root, name);
  const found = await openUsable(dir, key, dim, info, opts);
  if (found) return { ...found, built: false };
  // A complete meta.json that did not open: damaged, to be replaced whatever happens meanwhile.
  const damaged = readSegmentIndexMeta(dir, key) !== null;
  mkdirSync(root, { recursive: true });
  const building = join(root, `${BUILDING}${process.pid}-${randomBytes(4).toString('hex')}`);
  opts.onBuild?.();
  try {
    await writeSegmentIndex(building, key, dim, tracks(), opts);
    // Another build for this key (another process, or this one) may have finished first: keep
    // that one rather than pull it from under its readers.
    if (damaged || !readSegmentIndexMeta(dir, key)) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(building, dir);
      } catch (err) {
        // Renamed in by another build between the two calls: use that one.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw err;
      }
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  prune(root, name);
  const opened = await openUsable(dir, key, dim, info, opts);
  if (!opened) throw new NeedledropError('internal', `${dir}: the segment index just written does not open`);
  return { ...opened, built: true };
}
