import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { useBackend } from '../../../electron/engine/metric/backend';
import { MIN_TRACKS_TO_TRAIN, RETRAIN_GROWTH, updateMusicSpace } from '../../../electron/engine/similarity/music-space';
import { combinedScores, trackVectors, weightedConcat } from '../../../electron/engine/similarity/space';
import { clickTrack } from '../../helpers/media';
import { timbreTrack } from './timbre-tracks';

let dir: string;
let db: Catalog;
let clicks: string;
const config = { steps: 12, tracksPerBatch: 8, window: 16, hidden: 16, outDim: 16 };

/**
 * The first MISSING tracks' files do not exist; every later one is a 1 s click track (one file, hard-linked),
 * so its production signature is computed once and cached. A missing file is tried again at every update
 * (an ffmpeg start each, ~0.3 CPU-s): with all 50 missing, those retries were most of this file's CPU.
 */
const MISSING = 3;
const trackPath = (i: number): string => (i < MISSING ? `/lib/album${i % 3}/t${i}.ogg` : join(dir, 'lib', `album${i % 3}`, `t${i}.wav`));

function addTracks(from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (i >= MISSING) {
      mkdirSync(join(dir, 'lib', `album${i % 3}`), { recursive: true });
      linkSync(clicks, trackPath(i));
    }
    saveAnalysis(db, {
      file: { path: trackPath(i), size: 1000 + i, mtimeMs: 1, hash: `hash-${i}` },
      info: { title: `t${i}`, artist: null, album: null, duration: 30 },
      summary: {},
      features: timbreTrack(i % 3, i, 40),
    });
  }
}

beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'nd-space-update-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  clicks = await clickTrack(dir, { seconds: 1, bpm: 120, channels: 2 });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('keeping the music space up to date with the library (real SQLite catalog)', () => {
  const spaceDir = () => join(dir, 'space');

  it('below the minimum the descriptor statistics serve; at it a space is trained and every track embedded', async () => {
    addTracks(0, MIN_TRACKS_TO_TRAIN - 1);
    const small = await updateMusicSpace(db, spaceDir(), { config });
    expect(small.kind).toBe('descriptor-stats');
    // The first MISSING catalogued paths do not exist: no production signature, each reported by its
    // path, and the profile serves without them; every track whose file is there has one.
    expect(small.production.computed).toBe(MIN_TRACKS_TO_TRAIN - 1 - MISSING);
    expect(small.production.failed.map((f) => f.path)).toEqual(['/lib/album0/t0.ogg', '/lib/album1/t1.ogg', '/lib/album2/t2.ogg']);
    expect(small.production.failed.every((f) => f.reason.includes(f.path))).toBe(true);
    const stats = await trackVectors(db, { kind: 'descriptor-stats' });
    expect(stats.trackIds.length).toBe(MIN_TRACKS_TO_TRAIN - 1);

    addTracks(MIN_TRACKS_TO_TRAIN - 1, MIN_TRACKS_TO_TRAIN);
    const phases = new Set<string>();
    const first = await updateMusicSpace(db, spaceDir(), { config, onProgress: (p) => phases.add(p.phase) });
    expect(first).toMatchObject({ kind: 'learned', trained: 'new', embedded: MIN_TRACKS_TO_TRAIN });
    // Signatures already made are kept; the missing files are tried again.
    expect(first.production).toMatchObject({ computed: 1, tracks: MIN_TRACKS_TO_TRAIN });
    expect(first.production.failed).toHaveLength(MISSING);
    expect([...phases].sort()).toEqual(['embed', 'production', 'train']);
  }, 300_000);

  it('a few new tracks are only embedded; a quarter more retrains from the current weights', async () => {
    const before = JSON.parse(readFileSync(join(spaceDir(), 'space.json'), 'utf8')) as { id: string };
    addTracks(MIN_TRACKS_TO_TRAIN, MIN_TRACKS_TO_TRAIN + 3);
    const few = await updateMusicSpace(db, spaceDir(), { config });
    expect(few).toMatchObject({ kind: 'learned', trained: 'no', embedded: 3 });
    if (few.kind === 'learned') expect(few.manifest.id).toBe(before.id);

    const grown = Math.ceil(MIN_TRACKS_TO_TRAIN * (1 + RETRAIN_GROWTH));
    addTracks(MIN_TRACKS_TO_TRAIN + 3, grown);
    const again = await updateMusicSpace(db, spaceDir(), { config });
    expect(again).toMatchObject({ kind: 'learned', trained: 'warm-start', embedded: grown });
    if (again.kind === 'learned') {
      expect(again.manifest.id).not.toBe(before.id);
      expect(again.manifest.training.warmStart).toBe(true);
    }
    const learned = await trackVectors(db, { kind: 'learned', dir: spaceDir() });
    expect(learned.trackIds.length).toBe(grown);
    expect(learned.missing).toEqual([]);
  }, 300_000);

  it('a cancelled retraining leaves the space and its vectors as they were', async () => {
    const manifest = readFileSync(join(spaceDir(), 'space.json'), 'utf8');
    const vectors = readFileSync(join(spaceDir(), 'vectors.json'), 'utf8');
    const ctl = new AbortController();
    const run = updateMusicSpace(db, spaceDir(), {
      config,
      forceTrain: true,
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.phase === 'train' && p.done === 2) ctl.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(readFileSync(join(spaceDir(), 'space.json'), 'utf8')).toBe(manifest);
    expect(readFileSync(join(spaceDir(), 'vectors.json'), 'utf8')).toBe(vectors);
  }, 300_000);

  it('the combined score is the weighted mean of the spaces’ cosines, and says so', async () => {
    const learned = await trackVectors(db, { kind: 'learned', dir: spaceDir() });
    const stats = await trackVectors(db, { kind: 'descriptor-stats' });
    const q = learned.trackIds[0];
    const scores = combinedScores([{ vectors: learned, weight: 3 }, { vectors: stats, weight: 1 }], q);
    expect(scores.length).toBe(learned.trackIds.length - 1);
    expect(scores.some((s) => s.trackId === q)).toBe(false);
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1].score).toBeGreaterThanOrEqual(scores[i].score);
    const top = scores[0];
    expect(top.why.map((w) => [w.space, w.weight])).toEqual([['learned', 0.75], ['descriptor-stats', 0.25]]);
    // Recompute both cosines by hand from the vectors.
    const cos = (v: typeof learned, a: number, b: number) => {
      const i = v.trackIds.indexOf(a);
      const j = v.trackIds.indexOf(b);
      let s = 0;
      for (let d = 0; d < v.dim; d++) s += v.data[i * v.dim + d] * v.data[j * v.dim + d];
      return s;
    };
    expect(top.why[0].cosine).toBeCloseTo(cos(learned, q, top.trackId), 5);
    expect(top.why[1].cosine).toBeCloseTo(cos(stats, q, top.trackId), 5);
    expect(top.score).toBeCloseTo(0.75 * top.why[0].cosine + 0.25 * top.why[1].cosine, 5);
    // One concatenated vector per track carries the same score as a plain dot product.
    const joined = weightedConcat([{ vectors: learned, weight: 3 }, { vectors: stats, weight: 1 }]);
    expect(joined.dim).toBe(learned.dim + stats.dim);
    expect(cos(joined, q, top.trackId)).toBeCloseTo(top.score, 5);
    expect(cos(joined, q, q)).toBeCloseTo(1, 5);
  }, 120_000);
});
