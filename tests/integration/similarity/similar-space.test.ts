/**
 * Which music space each request ranks by, through the service layer on a real SQLite catalog:
 * `similar` by the profile re-ranked by normalised diffusion alone (no mood share), "more like
 * these" by the profile re-ranked by neighbour augmentation plus the mood space. The tracks'
 * "mood" segments are planted to point at the wrong album, so a mood share would show.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { MusicSpaceCache, similarCombined } from '../../../electron/engine/service/music-space';
import { SPACE_WEIGHTS, trackVectors, type TrackVectors } from '../../../electron/engine/similarity/space';
import { albumTrack, placeAlbumFile } from './album-tracks';

const ALBUMS = 4;
const PER_ALBUM = 8;
const MOOD_DIM = 4;
let dir: string;
let db: Catalog;
let lib: Library;
const albumOf = new Map<number, number>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-similar-space-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  for (let a = 0; a < ALBUMS; a++)
    for (let t = 0; t < PER_ALBUM; t++) {
      // Mood: the unit axis of the next album, so by mood alone every track's neighbours are wrong.
      const mood = new Float32Array(MOOD_DIM);
      mood[(a + 1) % ALBUMS] = 1;
      mood[(a + 2) % ALBUMS] = 0.01 * t;
      const { trackId } = saveAnalysis(db, {
        file: { path: placeAlbumFile(join(dir, 'lib'), a, t), size: 1000 + a * 100 + t, mtimeMs: 1, hash: `hash-${a}-${t}` },
        info: { title: `t${t}`, artist: null, album: null, duration: 60 },
        summary: {},
        features: albumTrack(a, t, 120),
        segments: { modelVersion: 'test', set: { starts: Float32Array.of(0), data: mood, dim: MOOD_DIM } },
      });
      albumOf.set(trackId, a);
    }
  lib = loadLibrary(db, 'test');
});
afterAll(async () => {
  await lib.release();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const cosine = (v: TrackVectors, a: number, b: number): number => {
  const i = v.trackIds.indexOf(a);
  const j = v.trackIds.indexOf(b);
  let s = 0;
  for (let d = 0; d < v.dim; d++) s += v.data[i * v.dim + d] * v.data[j * v.dim + d];
  return s;
};

describe('the space each request ranks by', () => {
  it('similar: the diffusion space alone, whose score is its cosine, album mates first', async () => {
    expect(SPACE_WEIGHTS.similar).toEqual({ music: 1, mood: 0 });
    const diffusion = await trackVectors(db, { kind: 'descriptor-stats', rerank: 'diffusion' });
    const neighbours = await trackVectors(db, { kind: 'descriptor-stats', rerank: 'neighbours' });
    expect(diffusion.dim).toBe(ALBUMS * PER_ALBUM);
    const cache = new MusicSpaceCache();
    let differs = false;
    for (const seed of diffusion.trackIds) {
      const list = await similarCombined(lib, dir, cache, seed, PER_ALBUM - 1);
      // Truth from the generator: the 7 others of its album (mood alone would give none of them).
      expect(list.map((e) => albumOf.get(e.track.id))).toEqual(Array(PER_ALBUM - 1).fill(albumOf.get(seed)));
      for (const e of list) {
        expect(e.why).toEqual([{ space: 'descriptor-stats', cosine: e.score, weight: 1 }]);
        expect(e.score).toBeCloseTo(cosine(diffusion, seed, e.track.id), 3);
        if (Math.abs(e.score - cosine(neighbours, seed, e.track.id)) > 0.01) differs = true;
      }
    }
    // The two re-rankings give other scores, so the check above tells them apart.
    expect(differs).toBe(true);
  });

  it('more-like: neighbour augmentation with the mood space at its weight', async () => {
    const space = await new MusicSpaceCache().space(lib, dir, 'more-like');
    const neighbours = await trackVectors(db, { kind: 'descriptor-stats', rerank: 'neighbours' });
    expect(space.parts.map((p) => [p.space, p.weight, p.dim])).toEqual([
      ['descriptor-stats', SPACE_WEIGHTS['more-like'].music, neighbours.dim],
      ['mood:test', SPACE_WEIGHTS['more-like'].mood, MOOD_DIM],
    ]);
  });
});
