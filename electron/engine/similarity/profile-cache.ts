/**
 * The track profiles (profile.ts) kept on disk beside the production signatures (music-space/),
 * so that a new process (every CLI command) does not profile the whole library again (review
 * R7.1: ~100 CPU-s at 10,000 tracks, per `playlist`). A track's profile depends only on its stored
 * audio features and the profile's code, so each row is kept under a key made of the features
 * row's identity (the file's content hash and the row's spec, shape, timing and names) and
 * PROFILE_CODE_VERSION: a new or re-indexed track recomputes its row alone. What is library-wide
 * (the z-scoring with the production signatures, the re-ranking) is redone from the rows.
 *
 * One file, written whole and atomically (util/atomic-write); one that cannot be read as a whole
 * (corrupt, cut short, another version) is ignored with a one-line note and rewritten. Notes go to
 * the caller's `log` (the engine's: stderr with the CLI's prefix, the app's log), never straight
 * to stderr, which a CLI's --json consumer reads as the command's own diagnostics.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/db';
import { writeFileAtomic } from '../util/atomic-write';
import type { TrackProfile } from './profile';
import { errorMessage } from '../util/error-message';

export const PROFILE_CACHE_FILE = 'profile-cache.bin';
/** Bump when trackProfile's output changes for the same features: every cached row is then recomputed. */
export const PROFILE_CODE_VERSION = 1;
const MAGIC = 'needledrop.profile-cache\n';

interface CacheHeader {
  version: number;
  /** The families (name, length) of each distinct row layout. */
  layouts: Array<Array<[string, number]>>;
  /** trackId, key, layout index; their values follow in this order as float64. */
  rows: Array<[number, string, number]>;
}

export interface CachedProfile {
  key: string;
  profile: TrackProfile;
}

/** Each catalogued track's profile key (its audio features row's identity), without reading the features. */
export function profileKeys(db: Catalog): Map<number, string> {
  const rows = db
    .prepare<[], { trackId: number; hash: string; spec: string; t: number; d: number; step: number; start: number; names: string }>(
      `SELECT x.track_id AS trackId, f.hash AS hash, x.spec AS spec, x.t AS t, x.d AS d, x.step AS step, x.start AS start, x.names AS names
       FROM features x JOIN tracks t ON t.id = x.track_id JOIN files f ON f.id = t.file_id WHERE x.modality = 'audio'`,
    )
    .all();
  const keys = new Map<number, string>();
  for (const r of rows) {
    const identity = JSON.stringify([PROFILE_CODE_VERSION, r.hash, r.spec, r.t, r.d, r.step, r.start, r.names]);
    keys.set(r.trackId, createHash('sha1').update(identity).digest('base64url'));
  }
  return keys;
}

/** The cached profiles in `dir` by track id; an absent file is empty, an unreadable one is noted (to `log`) and empty. */
export function readProfileCache(dir: string, log?: (message: string) => void): Map<number, CachedProfile> {
  const file = join(dir, PROFILE_CACHE_FILE);
  const out = new Map<number, CachedProfile>();
  if (!existsSync(file)) return out;
  try {
    const buf = readFileSync(file);
    if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new Error('not a profile cache');
    const headerLength = buf.readUInt32LE(MAGIC.length);
    const headerEnd = MAGIC.length + 4 + headerLength;
    const header = JSON.parse(buf.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as CacheHeader;
    if (header.version !== PROFILE_CODE_VERSION) return out; // another profile code: every row is recomputed
    const widths = header.layouts.map((l) => l.reduce((s, [, n]) => s + n, 0));
    const values = header.rows.reduce((s, [, , layout]) => s + widths[layout], 0);
    const dataStart = Math.ceil(headerEnd / 8) * 8;
    if (buf.length !== dataStart + values * 8) throw new Error(`${buf.length} bytes where ${dataStart + values * 8} were expected`);
    // A copy aligned for Float64Array (the Buffer's own offset need not be).
    const data = new Float64Array(buf.buffer.slice(buf.byteOffset + dataStart, buf.byteOffset + buf.length));
    let at = 0;
    for (const [trackId, key, layout] of header.rows) {
      const profile: TrackProfile = new Map();
      for (const [name, n] of header.layouts[layout]) {
        profile.set(name, data.subarray(at, at + n));
        at += n;
      }
      out.set(trackId, { key, profile });
    }
    return out;
  } catch (err) {
    log?.(`${file}: unreadable track profile cache (${errorMessage(err)}): profiling again and rewriting it`);
    return new Map();
  }
}

/** Write the cache of these profiles (the whole file, atomically); a folder that cannot be written is noted (to `log`), not fatal. */
export function writeProfileCache(dir: string, rows: ReadonlyArray<{ trackId: number } & CachedProfile>, log?: (message: string) => void): void {
  const layouts: Array<Array<[string, number]>> = [];
  const layoutIds = new Map<string, number>();
  const headerRows: CacheHeader['rows'] = [];
  let values = 0;
  for (const r of rows) {
    const layout: Array<[string, number]> = [...r.profile].map(([name, v]) => [name, v.length]);
    const id = JSON.stringify(layout);
    let index = layoutIds.get(id);
    if (index === undefined) {
      index = layouts.push(layout) - 1;
      layoutIds.set(id, index);
    }
    headerRows.push([r.trackId, r.key, index]);
    for (const [, n] of layout) values += n;
  }
  const header = Buffer.from(JSON.stringify({ version: PROFILE_CODE_VERSION, layouts, rows: headerRows } satisfies CacheHeader), 'utf8');
  const headerEnd = MAGIC.length + 4 + header.length;
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const buf = Buffer.alloc(dataStart + values * 8);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(header.length, MAGIC.length);
  header.copy(buf, MAGIC.length + 4);
  const data = new Float64Array(buf.buffer, buf.byteOffset + dataStart, values);
  let at = 0;
  for (const r of rows) {
    for (const v of r.profile.values()) {
      data.set(v, at);
      at += v.length;
    }
  }
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, PROFILE_CACHE_FILE), buf);
  } catch (err) {
    // A read-only data folder (review R4.3) profiles each time, as before.
    log?.(`${join(dir, PROFILE_CACHE_FILE)}: the track profile cache was not written (${errorMessage(err)})`);
  }
}
