/**
 * Music → music: similar tracks and playlists (more like these, a mood path, an energy curve)
 * over one model version's track vectors, saved in the catalog and optionally as M3U.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { PLAYLIST_NAME_MAX } from '../../contract/operations';
import type { CuratedTrack, Playlist } from '../../contract/types';
import { trackText } from '../../contract/wording';
import { filesBySize } from '../catalog/files';
import { createPlaylist } from '../catalog/playlists';
import { getTrack, trackByPath } from '../catalog/tracks';
import type { Catalog } from '../catalog/db';
import { codedError, usageError } from '../errors';
import { NEAR_SILENT_LUFS } from '../library/audio-analyzer';
import { fileKeyOf, fileKey, isAudioPath, SOUND_OR_VIDEO_EXTENSIONS } from '../library/scan';
import { energyCurveSteps, parseEnergyLevels } from '../playlist/energy-curve';
import { moodPathSteps } from '../playlist/mood-path';
import { moreLikeSteps } from '../playlist/more-like';
import type { TrackPool } from '../playlist/pool';
import { similarTracks } from '../playlist/similar';
import type { PlaylistSpace, SpaceWhy } from '../playlist/space';
import { runSteps, type Steps } from '../playlist/steps';
import type { TrackId } from '../search/types';
import { errnoWords } from '../util/errno';
import { round } from '../util/round';
import { isNearSilent, type Library } from './library';

/**
 * The track of the file at `path` when the catalog knows that file under another path (review
 * R1.3: a link to it, or the file a catalogued link points to): by its real path, else by its
 * identity on disk (device and inode) among the catalogued files of its size.
 */
function trackOfFile(db: Catalog, path: string): ReturnType<typeof trackByPath> {
  let st;
  let real;
  try {
    st = statSync(path, { bigint: true });
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  const byReal = real !== path ? trackByPath(db, real) : undefined;
  if (byReal) return byReal;
  const key = fileKeyOf(st);
  const same = filesBySize(db, Number(st.size)).find((f) => f.path !== path && fileKey(f.path) === key);
  return same && trackByPath(db, same.path);
}

/**
 * Why `ref` names no catalogued track, from what is at that path (a stat: no decoding), so that the
 * error says what to do: a track id or a path that does not exist, a folder, a video, a file the
 * scan would not take, or an audio file whose folder was not indexed.
 */
function notCatalogued(ref: string): Error {
  const abs = resolve(ref);
  let st;
  try {
    st = statSync(abs);
  } catch (err) {
    // A bare number that is not a file there: the id it was meant as (the CLI's `similar 999`).
    if (/^\d+$/.test(ref)) return codedError('not-found', ref, 'not in the catalog (give a catalogued path or a track id)');
    return codedError('not-found', abs, `not in the catalog, and no file is there (${errnoWords(err)}): give a catalogued path or a track id`);
  }
  const ext = extname(abs).toLowerCase();
  if (st.isDirectory()) return codedError('not-found', abs, 'not in the catalog: a folder, not a track (give one of its catalogued files or a track id)');
  if (!st.isFile()) return codedError('not-found', abs, 'not in the catalog: not a regular file (give a catalogued path or a track id)');
  if (SOUND_OR_VIDEO_EXTENSIONS.has(ext)) {
    return codedError('not-found', abs, `not in the catalog: named like a video (${ext}); a clip is matched against the library, not used as a track (a sound-only file is catalogued when its folder is indexed)`);
  }
  if (!isAudioPath(abs)) return codedError('not-found', abs, `not in the catalog, and not named like an audio file (${ext || 'no extension'}): give a catalogued path or a track id`);
  return codedError('not-found', abs, 'not in the catalog: index its folder first (or give a catalogued path or a track id)');
}

/** Whether the catalog holds `trackId`'s segments under `version`, and whether it holds any of that version's (indexed lookups, no blob read). */
function segmentsOf(db: Catalog, trackId: TrackId, version: string): { track: boolean; version: boolean } {
  const one = db.prepare<[number, string], { n: number }>('SELECT 1 AS n FROM segments WHERE track_id = ? AND model_version = ? LIMIT 1');
  const any = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM segments WHERE model_version = ? LIMIT 1');
  const track = one.get(trackId, version) !== undefined;
  return { track, version: track || any.get(version) !== undefined };
}

/**
 * A track the user named (a seed, a path's end, a `similar` query), found in the catalog alone: a
 * catalogued path (as given, or resolved against the working folder), another path to a catalogued
 * file (a link, the file a catalogued link points to), or a track id. Indexed SELECTs and a stat,
 * so the engine asks it before it opens the library (review R7.2: a typo'd path first built the
 * on-disk segment index of 2.3M segments, 53 s, and a playlist's seed profiled the whole library,
 * before "not in the catalog"). Not in the catalog (with what is at that path), without segments
 * for `version` while the catalog has that version's segments (a catalog with none of them is left
 * to the library's open, which says so of the version), or near-silent: an error naming the file.
 */
export function catalogTrack(db: Catalog, ref: string, version: string): TrackId {
  const row =
    trackByPath(db, ref) ?? trackByPath(db, resolve(ref)) ?? (/^\d+$/.test(ref) ? getTrack(db, Number(ref)) : undefined) ?? trackOfFile(db, resolve(ref));
  if (!row) throw notCatalogued(ref);
  const segments = segmentsOf(db, row.id, version);
  if (segments.version && !segments.track) throw noSegments(ref, version);
  // Refused rather than taken with a note: a silent file's vector describes no music, so the list
  // "like" it would be arbitrary (a 1 s silent file answered a trumpet solo at 0.88).
  if (isNearSilent(row.summary)) {
    throw codedError(
      'bad-input',
      row.path,
      `is near-silent (below ${NEAR_SILENT_LUFS} LUFS when indexed): there is no music in it to be like, so it cannot seed a playlist, end a mood path or be a query for similar tracks`,
    );
  }
  return row.id;
}

const noSegments = (ref: string, version: string): Error => codedError('not-indexed', ref, `has no segments for model "${version}": index its folder with that model active`);

/** catalogTrack in an open library: also in its segment store (the version it searches). */
export function resolveTrack(library: Library, ref: string): TrackId {
  const id = catalogTrack(library.db, ref, library.version);
  if (!library.store.has(id)) throw noSegments(ref, library.version);
  return id;
}

/** Each catalogued track's file: its path and content hash (files.hash; byte copies share one). */
function trackFiles(db: Catalog): Map<TrackId, { path: string; hash: string }> {
  const rows = db.prepare<[], { id: number; path: string; hash: string }>('SELECT t.id, f.path, f.hash FROM tracks t JOIN files f ON f.id = t.file_id').all();
  return new Map(rows.map((r) => [r.id, { path: r.path, hash: r.hash }]));
}

/** What the pool knows of a loaded library's files, and what the last look found of them on disk. */
interface DiskView {
  files: Map<TrackId, { path: string; hash: string }>;
  /** Per folder: its identity and mtime at the last look (null: not there), and whether each of its files was there then. */
  folders: Map<string, { seen: string | null; present: Map<string, boolean> }>;
}

/**
 * One per loaded library: the sessions drop a library whenever the catalog changes (a scan, the
 * watcher, another process's commit), so the file list is read once per catalog state instead of
 * on every similar/playlist request.
 */
const diskViews = new WeakMap<Library, DiskView>();

/**
 * Which catalogued files are on disk now. Statting every file cost 50–75 ms a request at 10,000
 * tracks (scripts/bench/curation-pool.ts); each folder is statted instead, and its files only
 * when its device, inode or mtime moved: a file added, removed or renamed moves its folder's
 * mtime, an unplugged drive takes the folder away, and a share unmounted from its mount point
 * leaves another directory there (review R24). A FAT folder may keep its mtime when a file goes:
 * that file stays offered until the catalog next changes (the watcher's removal, a scan).
 */
function filesOnDisk(library: Library): { files: DiskView['files']; there: (path: string) => boolean } {
  let view = diskViews.get(library);
  if (!view) {
    const files = trackFiles(library.db);
    const folders: DiskView['folders'] = new Map();
    for (const { path } of files.values()) {
      const dir = dirname(path);
      let f = folders.get(dir);
      if (!f) folders.set(dir, (f = { seen: null, present: new Map() }));
      f.present.set(path, false);
    }
    view = { files, folders };
    diskViews.set(library, view);
  }
  for (const [dir, f] of view.folders) {
    const st = statSync(dir, { throwIfNoEntry: false });
    const seen = st?.isDirectory() ? `${st.dev}:${st.ino}:${st.mtimeMs}` : null;
    if (seen === f.seen && seen !== null) continue;
    f.seen = seen;
    for (const path of f.present.keys()) f.present.set(path, seen !== null && existsSync(path));
  }
  const { folders } = view;
  return { files: view.files, there: (path) => folders.get(dirname(path))?.present.get(path) ?? false };
}

/**
 * What curation may offer from a space (the model's store or a combined space): no near-silent
 * track (the rule match uses), and of tracks with the same content hash only the first by path
 * among the space's audible ones. Copies share a content key, so the builders count a seed's
 * copies as the seed and never place one beside or instead of another.
 */
export function curationPool(library: Library, space: PlaylistSpace = library.store): TrackPool {
  const { files, there } = filesOnDisk(library);
  const content = (id: TrackId): string => files.get(id)?.hash ?? `#${id}`;
  const first = new Map<string, { id: TrackId; path: string }>();
  for (let s = 0; s < space.trackCount; s++) {
    const id = space.idAt(s);
    if (isNearSilent(library.track(id).summary)) continue;
    const path = files.get(id)?.path ?? '';
    // Kept in the catalog while its folder is unreadable or unplugged (review R24): not offered meanwhile.
    if (!there(path)) continue;
    const held = first.get(content(id));
    if (!held || path < held.path) first.set(content(id), { id, path });
  }
  const offered = new Set([...first.values()].map((f) => f.id));
  return { offered: (id) => offered.has(id), content };
}

export type { CuratedTrack } from '../../contract/types';

function curated(library: Library, entries: Array<{ trackId: TrackId; score: number; target?: number; why?: SpaceWhy[] }>): CuratedTrack[] {
  return entries.map((e, i) => ({
    position: i + 1,
    track: library.view(e.trackId),
    score: round(e.score, 3),
    ...(e.target !== undefined ? { target: round(e.target, 3) } : {}),
    ...(e.why ? { why: e.why.map((w) => ({ space: w.space, cosine: round(w.cosine, 3), weight: round(w.weight, 3) })) } : {}),
  }));
}

/** The k tracks closest to `ref` (cosine of track vectors), never the track itself nor a copy of it, nor a near-silent track. */
export function similar(library: Library, ref: string, k: number): CuratedTrack[] {
  return curated(library, similarTracks(library.store, resolveTrack(library, ref), k, curationPool(library)));
}

export type PlaylistRequest =
  | { kind: 'more-like'; seeds: string[] }
  | { kind: 'mood-path'; from: string; to: string }
  | { kind: 'energy'; curve: string };

export type { Playlist } from '../../contract/types';

/**
 * A playlist's name when none is given, from its tracks' names as every front names a track
 * (contract/wording trackText). Stored as it is, marks and line breaks included: each front escapes
 * a saved name where it shows it (review R3.7), so escaping here would show "\\u202e" there.
 * Never longer than a name may be (PLAYLIST_NAME_MAX): long seed names used to make a default name
 * the save refused, naming a --name the user never typed. Shortened, "More like" names the seeds
 * that fit and counts the rest ("More like A, B and 3 more"), and a name too long alone is cut
 * after a whole word, with "…".
 */
function defaultName(library: Library, req: PlaylistRequest, ids: TrackId[]): string {
  const label = (id: TrackId) => trackText(library.view(id));
  const max = PLAYLIST_NAME_MAX;
  switch (req.kind) {
    case 'more-like': {
      // A seed given twice is named once (review R31: "More like X, X").
      const labels = [...new Set(ids)].map(label);
      for (let shown = labels.length; shown >= 1; shown--) {
        const rest = labels.length - shown;
        const name = `More like ${labels.slice(0, shown).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
        if (name.length <= max) return name;
      }
      const more = labels.length > 1 ? ` and ${labels.length - 1} more` : '';
      return `More like ${cutAtWord(labels[0], max - 'More like '.length - more.length)}${more}`;
    }
    case 'mood-path': {
      const [from, to] = [label(ids[0]), label(ids[1])];
      // Each end keeps at least half the room; what one does not need, the other may use.
      const room = max - ' → '.length;
      const head = cutAtWord(from, Math.max(room - to.length, Math.floor(room / 2)));
      return `${head} → ${cutAtWord(to, room - head.length)}`;
    }
    case 'energy':
      return cutAtWord(`Energy ${req.curve}`, max);
  }
}

/**
 * `text` in at most `max` characters: whole, or cut after its last word (at a space or a comma)
 * that leaves room for "…"; inside a word only when the last break would drop more than half.
 */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 1;
  const head = text.slice(0, room + 1);
  const at = Math.max(head.lastIndexOf(' '), head.lastIndexOf(','));
  let cut = at >= room / 2 ? at : room;
  // Not between the two halves of a character outside the BMP.
  if (/[\uDC00-\uDFFF]/.test(text[cut] ?? '')) cut--;
  return `${text.slice(0, cut).replace(/[\s,;:–—-]+$/u, '')}…`;
}

/**
 * Build a playlist of `length` tracks (no repeats, no two copies of one file, no near-silent
 * track: curationPool); `name` defaults to a description of the request. `space` ranks the tracks: the model version's mood space by default, or a combined
 * space (service/music-space.ts), whose entries then carry the why.
 */
/** `atMost`: `length` is the most wanted (the app's Length): a smaller pool makes a shorter playlist, not an error. */
export function buildPlaylist(library: Library, req: PlaylistRequest, length: number, name?: string, space: PlaylistSpace = library.store, opts: { atMost?: boolean } = {}): Playlist {
  return runSteps(buildPlaylistSteps(library, req, length, name, space, opts));
}

/** buildPlaylist a round at a time: the engine's job runs it paced (playlist/steps.ts), with progress and cancel. */
export function* buildPlaylistSteps(library: Library, req: PlaylistRequest, length: number, name?: string, space: PlaylistSpace = library.store, opts: { atMost?: boolean } = {}): Steps<Playlist> {
  const { version } = library;
  const store = space;
  const pool = curationPool(library, space);
  const atMost = opts.atMost ?? false;
  let ids: TrackId[] = [];
  let entries;
  switch (req.kind) {
    case 'more-like':
      ids = req.seeds.map((s) => resolveTrack(library, s));
      entries = yield* moreLikeSteps(store, ids, length, { pool, atMost });
      break;
    case 'mood-path':
      ids = [resolveTrack(library, req.from), resolveTrack(library, req.to)];
      if (ids[0] !== ids[1] && pool.content(ids[0]) === pool.content(ids[1])) {
        throw usageError(`a mood path needs two different tracks: ${library.track(ids[0]).path} and ${library.track(ids[1]).path} are copies of one file`);
      }
      entries = yield* moodPathSteps(store, ids[0], ids[1], length, { pool, atMost });
      break;
    case 'energy':
      entries = yield* energyCurveSteps(store, parseEnergyLevels(req.curve), length, { pool, atMost });
      break;
  }
  // The length built (less than asked only with atMost).
  const params: Record<string, unknown> = { ...req, length: entries.length, model: version, ...(ids.length ? { trackIds: ids } : {}), ...(space !== library.store ? { space: 'combined' } : {}) };
  return { name: name ?? defaultName(library, req, ids), params, tracks: curated(library, entries) };
}

/** Store the playlist in the catalog; returns its id. */
export function savePlaylist(library: Library, playlist: Playlist): number {
  return createPlaylist(library.db, playlist.name, playlist.tracks.map((t) => t.track.id), playlist.params);
}
