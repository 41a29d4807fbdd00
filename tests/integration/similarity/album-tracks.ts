/**
 * Generated "albums" in the stored audio-feature layout, where what an album shares is known by
 * construction: each album has its own level and spread of eight small-unit descriptors
 * (flatness, onset, beats, triads, chroma and bass flux, rms_db), the "production" of the album.
 * Nuisances that say nothing about the album: every track's own spectral envelope (so its MFCCs)
 * and its own centroid and roll-off in Hz, thousands of units wide. The key-relative chroma and
 * key_minor are constant (no information either way).
 *
 * A space that compares raw statistics ranks by the Hz columns (album-blind); one that z-scores
 * but counts statistics equally lets the 38 MFCC statistics of the envelope outvote the album's
 * eight descriptors; z-scored and weighted per family, the albums separate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { AUDIO_NAMES } from '../../../electron/engine/features/spec';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { createRng, gaussian } from '../../../electron/engine/util/prng';
import { moodRows, rng } from '../../unit/search/synthetic';

const BANDS = 40;
/** The columns an album's sound is written into, with their unit (spread of album levels). */
const ALBUM_COLUMNS: ReadonlyArray<[string, number]> = [
  ['flatness', 0.1],
  ['onset', 2],
  ['beats', 0.2],
  ['triad_major', 0.1],
  ['triad_minor', 0.1],
  ['chroma_flux', 0.1],
  ['bass_flux', 0.1],
  ['rms_db', 4],
];

export function albumTrack(album: number, track: number, T: number, spec = 'album-test'): FeatureSeq {
  const albumRng = createRng(7919 * (album + 1));
  const rng = createRng(104729 * (album + 1) + track);
  const names = [...AUDIO_NAMES];
  const D = names.length;
  const col = (n: string): number => names.indexOf(n);
  // The album's level and spread of each of its columns (same for every track of the album).
  const levels = ALBUM_COLUMNS.map(([, unit]) => ({ mean: unit * 4 * albumRng.next(), sd: unit * (0.2 + albumRng.next()) }));
  // The track's own envelope (three resonances anywhere), centroid and roll-off: nuisances.
  const peaks = Array.from({ length: 3 }, () => ({ at: rng.next() * BANDS, gain: 5 + 15 * rng.next() }));
  const centroid = 500 + 5500 * rng.next();
  const rolloff = centroid * (1.5 + rng.next());
  const data = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let m = 0; m < BANDS; m++) {
      const env = peaks.reduce((s, p) => s + p.gain * Math.exp(-0.5 * ((m - p.at) / 3) ** 2), 0);
      data[t * D + m] = -60 + env + 3 * gaussian(rng);
    }
    data[t * D + col('centroid_hz')] = centroid * (1 + 0.2 * gaussian(rng));
    data[t * D + col('rolloff_hz')] = rolloff * (1 + 0.2 * gaussian(rng));
    ALBUM_COLUMNS.forEach(([name], k) => {
      data[t * D + col(name)] = levels[k].mean + levels[k].sd * gaussian(rng);
    });
  }
  return { names, data, T, D, step: 0.5, spec, start: 0 };
}

/**
 * Catalogue generated track `track` of album `album` (path /lib/album<a>/t<t>.ogg, content hash
 * `hash-<a>-<t>`), with these stored segments when given; returns its track id.
 */
/**
 * An empty file standing for album `album`'s track `track` under `root` (never decoded by these
 * tests): curation offers only tracks whose file is on disk (review R24), so the catalog's paths exist.
 */
export function placeAlbumFile(root: string, album: number, track: number): string {
  const path = join(root, `album${album}`, `t${track}.ogg`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
  return path;
}

/** `root`: where the (not decoded) files are said to be; curation offers only tracks whose file is there. */
export function saveAlbumTrack(db: Catalog, album: number, track: number, segments?: { modelVersion: string; data: Float32Array; dim: number }, root = '/lib'): number {
  return saveAnalysis(db, {
    file: { path: `${root}/album${album}/t${track}.ogg`, size: 1000 + album * 100 + track, mtimeMs: 1, hash: `hash-${album}-${track}` },
    info: { title: `t${track}`, artist: null, album: null, duration: 60 },
    summary: {},
    features: albumTrack(album, track, 120),
    ...(segments ? { segments: { modelVersion: segments.modelVersion, set: { starts: Float32Array.of(0), data: segments.data, dim: segments.dim } } } : {}),
  }).trackId;
}

/**
 * A data folder `<root>/data` whose catalog holds `albums` × `perAlbum` generated tracks (stored
 * features, one 128-d mood segment of `modelVersion` each, an album's moods close: moodRows), their
 * empty files under `<root>/music`. The catalog is closed again; `ids` in album order.
 */
export function albumDataFolder(root: string, opts: { albums: number; perAlbum: number; seed: number; modelVersion?: string }): { data: string; music: string; catalogPath: string; ids: number[] } {
  const data = join(root, 'data');
  const music = join(root, 'music');
  const catalogPath = join(data, 'catalog.sqlite');
  mkdirSync(data, { recursive: true });
  const db = openCatalog(catalogPath);
  const ids: number[] = [];
  try {
    const rand = rng(opts.seed);
    for (let a = 0; a < opts.albums; a++) {
      const moods = moodRows(rand, opts.perAlbum, 128, 1);
      for (let t = 0; t < opts.perAlbum; t++) {
        placeAlbumFile(music, a, t);
        ids.push(saveAlbumTrack(db, a, t, { modelVersion: opts.modelVersion ?? 'base', data: moods.slice(t * 128, (t + 1) * 128), dim: 128 }, music));
      }
    }
  } finally {
    db.close();
  }
  return { data, music, catalogPath, ids };
}
