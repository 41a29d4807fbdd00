import { mkdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { getSegments } from '../../../electron/engine/catalog/segments';
import { listTracks, trackByPath } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { reembed } from '../../../electron/engine/library/reembed';
import { statsEmbedder, testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

// One library, one catalog, walked through a user's edits in order.
describe('incremental indexing on a real catalog', () => {
  let root: string;
  let lib: string;
  let db: Catalog;
  const indexedAt = (path: string): number =>
    db.prepare<[string], { t: number }>('SELECT indexed_at AS t FROM files WHERE path = ?').get(path)!.t;
  const count = (table: string): number => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;

  beforeAll(() => {
    root = tempDir('incr');
    lib = join(root, 'library');
    makeAudio(join(lib, 'a', 'one.mp3'), { freq: 220, title: 'One', artist: 'Gen' });
    makeAudio(join(lib, 'a', 'two.FLAC'), { freq: 330, title: 'Two' });
    makeAudio(join(lib, 'b', 'three.wav'), { freq: 440 });
    makeAudio(join(lib, 'b', 'deep', 'four.ogg'), { noise: true, title: 'Four' });
    makeAudio(join(lib, 'five.m4a'), { freq: 660, seconds: 2 });
    // Real audio under a name without an audio extension: not picked up.
    renameSync(makeAudio(join(lib, 'stray.wav'), { freq: 100 }), join(lib, 'stray.wav.bak'));
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('indexes every audio file, with tags, features and segments', async () => {
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 5, unchanged: 0, removed: 0, moved: 0, failed: [], cancelled: false, embedderVersion: 'stats-v1' });
    const tracks = listTracks(db);
    expect(tracks.map((t) => t.path.slice(lib.length + 1)).sort()).toEqual(['a/one.mp3', 'a/two.FLAC', 'b/deep/four.ogg', 'b/three.wav', 'five.m4a']);
    const one = trackByPath(db, join(lib, 'a', 'one.mp3'))!;
    expect(one).toMatchObject({ title: 'One', artist: 'Gen' });
    expect(one.duration).toBeGreaterThan(2.9);
    const seq = getFeatures(db, one.id)!;
    expect(seq.T).toBeGreaterThanOrEqual(6);
    expect(seq.data.length).toBe(seq.T * seq.D);
    const seg = getSegments(db, one.id, 'stats-v1')!;
    expect(seg.starts.length).toBeGreaterThan(0);
    expect(seg.data.length).toBe(seg.starts.length * seg.dim);
    expect(count('segments')).toBe(5);
  });

  it('redoes nothing when nothing changed', async () => {
    const before = listTracks(db).map((t) => indexedAt(t.path));
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, unchanged: 5, removed: 0, moved: 0, reembedded: 0 });
    expect(listTracks(db).map((t) => indexedAt(t.path))).toEqual(before);
  });

  it('redoes only a file whose content changed, keeping its track id', async () => {
    const path = join(lib, 'b', 'three.wav');
    const old = trackByPath(db, path)!;
    const oldSeq = getFeatures(db, old.id)!;
    const others = listTracks(db).filter((t) => t.path !== path).map((t) => [t.path, indexedAt(t.path)]);
    makeAudio(path, { noise: true, seconds: 4 });
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 1, unchanged: 4 });
    const now = trackByPath(db, path)!;
    expect(now.id).toBe(old.id);
    expect(now.duration).toBeGreaterThan(old.duration + 0.5);
    expect(getFeatures(db, now.id)!.data).not.toEqual(oldSeq.data);
    expect(listTracks(db).filter((t) => t.path !== path).map((t) => [t.path, indexedAt(t.path)])).toEqual(others);
  });

  it('only refreshes the stat of a touched file (same content)', async () => {
    const path = join(lib, 'a', 'one.mp3');
    const at = indexedAt(path);
    const later = new Date(statSync(path).mtimeMs + 60_000);
    utimesSync(path, later, later);
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, unchanged: 5 });
    expect(indexedAt(path)).toBe(at);
    const row = db.prepare<[string], { m: number }>('SELECT mtime_ms AS m FROM files WHERE path = ?').get(path)!;
    expect(row.m).toBe(Math.trunc(statSync(path).mtimeMs));
  });

  it('drops a deleted file and everything hanging off it', async () => {
    const path = join(lib, 'five.m4a');
    const id = trackByPath(db, path)!.id;
    rmSync(path);
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, removed: 1, unchanged: 4 });
    expect(trackByPath(db, path)).toBeUndefined();
    expect(getFeatures(db, id)).toBeUndefined();
    expect(getSegments(db, id, 'stats-v1')).toBeUndefined();
    expect([count('files'), count('tracks'), count('features'), count('segments')]).toEqual([4, 4, 4, 4]);
  });

  it('keeps the analysis of a moved file', async () => {
    const from = join(lib, 'a', 'two.FLAC');
    const to = join(lib, 'c', 'renamed.flac');
    const old = trackByPath(db, from)!;
    const seq = getFeatures(db, old.id)!;
    mkdirSync(join(lib, 'c'));
    renameSync(from, to);
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, moved: 1, removed: 0, unchanged: 3 });
    const moved = trackByPath(db, to)!;
    expect(moved.id).toBe(old.id);
    expect(moved.title).toBe('Two');
    expect(getFeatures(db, moved.id)!.data).toEqual(seq.data);
    expect(trackByPath(db, from)).toBeUndefined();
  });

  it('embeds unchanged tracks for a new model version during indexing, without re-analysing', async () => {
    const before = listTracks(db).map((t) => indexedAt(t.path));
    const r = await indexLibrary(db, [lib], { jobs: 2, components: testComponents('stats-v2') });
    expect(r).toMatchObject({ indexed: 0, reembedded: 4, embedderVersion: 'stats-v2' });
    expect(listTracks(db).map((t) => indexedAt(t.path))).toEqual(before);
    for (const t of listTracks(db)) expect(getSegments(db, t.id, 'stats-v2')).toBeDefined();
  });

  it('re-embeds from stored features with the audio files gone', async () => {
    rmSync(lib, { recursive: true });
    const n = await reembed(db, statsEmbedder('stats-v3'));
    expect(n).toBe(4);
    for (const t of listTracks(db)) {
      const v3 = getSegments(db, t.id, 'stats-v3')!;
      const direct = await statsEmbedder('x').embed(getFeatures(db, t.id)!);
      expect(Array.from(v3.data)).toEqual(Array.from(direct.data));
    }
    expect(await reembed(db, statsEmbedder('stats-v3'))).toBe(0);
  });
});
