/**
 * Music → music: similar tracks and playlists (more like these, a mood path, an energy curve)
 * over one model version's track vectors, saved in the catalog and optionally as M3U.
 */
import { basename, resolve } from 'node:path';
import type { CuratedTrack, Playlist } from '../../contract/types';
import { createPlaylist } from '../catalog/playlists';
import { getTrack, trackByPath } from '../catalog/tracks';
import { codedError } from '../errors';
import { energyCurve, parseEnergyLevels } from '../playlist/energy-curve';
import { writeM3U } from '../playlist/m3u';
import { moodPath } from '../playlist/mood-path';
import { moreLike } from '../playlist/more-like';
import { similarTracks } from '../playlist/similar';
import type { PlaylistSpace, SpaceWhy } from '../playlist/space';
import type { TrackId } from '../search/types';
import { round } from '../util/round';
import type { Library, TrackView } from './library';

/**
 * A track the user named: a catalogued path (as given, or resolved against the working
 * folder) or a track id. Not in the catalog, or without segments for this model: input error.
 */
export function resolveTrack(library: Library, ref: string): TrackId {
  const { db } = library;
  const row = trackByPath(db, ref) ?? trackByPath(db, resolve(ref)) ?? (/^\d+$/.test(ref) ? getTrack(db, Number(ref)) : undefined);
  if (!row) throw codedError('not-found', ref, 'not in the catalog (give a catalogued path or a track id)');
  if (!library.store.has(row.id)) {
    throw codedError('not-indexed', ref, `has no segments for model "${library.version}": index its folder with that model active`);
  }
  return row.id;
}

export type { CuratedTrack } from '../../contract/types';

/** "Artist – Title", either alone, else the file name (default playlist names). */
function trackLabel(t: Pick<TrackView, 'artist' | 'title' | 'path'>): string {
  if (t.artist && t.title) return `${t.artist} – ${t.title}`;
  return t.artist || t.title || basename(t.path);
}


function curated(library: Library, entries: Array<{ trackId: TrackId; score: number; target?: number; why?: SpaceWhy[] }>): CuratedTrack[] {
  return entries.map((e, i) => ({
    position: i + 1,
    track: library.view(e.trackId),
    score: round(e.score, 3),
    ...(e.target !== undefined ? { target: round(e.target, 3) } : {}),
    ...(e.why ? { why: e.why.map((w) => ({ space: w.space, cosine: round(w.cosine, 3), weight: round(w.weight, 3) })) } : {}),
  }));
}

/** The k tracks closest to `ref` (cosine of track vectors), never the track itself. */
export function similar(library: Library, ref: string, k: number): CuratedTrack[] {
  return curated(library, similarTracks(library.store, resolveTrack(library, ref), k));
}

export type PlaylistRequest =
  | { kind: 'more-like'; seeds: string[] }
  | { kind: 'mood-path'; from: string; to: string }
  | { kind: 'energy'; curve: string };

export type { Playlist } from '../../contract/types';

function defaultName(library: Library, req: PlaylistRequest, ids: TrackId[]): string {
  const label = (id: TrackId) => trackLabel(library.view(id));
  switch (req.kind) {
    case 'more-like':
      return `More like ${ids.map(label).join(', ')}`;
    case 'mood-path':
      return `${label(ids[0])} → ${label(ids[1])}`;
    case 'energy':
      return `Energy ${req.curve}`;
  }
}

/**
 * Build a playlist of `length` tracks (no repeats); `name` defaults to a description of the
 * request. `space` ranks the tracks: the model version's mood space by default, or a combined
 * space (service/music-space.ts), whose entries then carry the why.
 */
export function buildPlaylist(library: Library, req: PlaylistRequest, length: number, name?: string, space: PlaylistSpace = library.store): Playlist {
  const { version } = library;
  const store = space;
  let ids: TrackId[] = [];
  let entries;
  switch (req.kind) {
    case 'more-like':
      ids = req.seeds.map((s) => resolveTrack(library, s));
      entries = moreLike(store, ids, length);
      break;
    case 'mood-path':
      ids = [resolveTrack(library, req.from), resolveTrack(library, req.to)];
      entries = moodPath(store, ids[0], ids[1], length);
      break;
    case 'energy':
      entries = energyCurve(store, parseEnergyLevels(req.curve), length);
      break;
  }
  const params: Record<string, unknown> = { ...req, length, model: version, ...(ids.length ? { trackIds: ids } : {}), ...(space !== library.store ? { space: 'combined' } : {}) };
  return { name: name ?? defaultName(library, req, ids), params, tracks: curated(library, entries) };
}

/** Store the playlist in the catalog; returns its id. */
export function savePlaylist(library: Library, playlist: Playlist): number {
  return createPlaylist(library.db, playlist.name, playlist.tracks.map((t) => t.track.id), playlist.params);
}

/** Write the tracks as extended M3U (#EXTINF duration and artist – title; paths relative to the file when possible); an existing file only with `force`. */
export async function writePlaylistM3U(tracks: CuratedTrack[], outPath: string, force = false): Promise<void> {
  await writeM3U(
    tracks.map(({ track }) => ({ path: track.path, duration: track.duration, ...(track.artist ? { artist: track.artist } : {}), ...(track.title ? { title: track.title } : {}) })),
    outPath,
    force,
  );
}
