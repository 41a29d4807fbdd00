/**
 * Review R1.6: a file still being written while `index` read it was catalogued cut short (a 6 s
 * analysis of what became a 20 s recording) and reported as indexed. A file whose size or mtime
 * moved between the scan and the commit of its analysis is not stored: it is reported as "changed
 * while it was read" and taken whole by the next scan; a catalogued one keeps its track (and id) until
 * then. The growth is made by the components (growing-components.ts) between the analysis and the
 * commit, so no timing decides it; the durations expected are ffprobe's of the files the test wrote.
 */
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { CHANGED_WHILE_READ, indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { growingComponents } from './fixtures/growing-components';
import { decodedSeconds, makeAudio, tempDir } from './fixtures/media';

describe('a file that changes while it is indexed (R1.6)', () => {
  let root = '';
  let lib = '';
  let db: Catalog;
  beforeAll(() => {
    root = tempDir('changed-while-read');
    lib = join(root, 'lib');
    makeAudio(join(lib, 'steady.wav'), { freq: 330, seconds: 3 });
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });
  const durationOf = (path: string): number | undefined => listTracks(db).find((t) => t.path === path)?.duration;

  it('a new file still growing: not catalogued, named with why, whole on the next scan', async () => {
    const grows = join(lib, 'grows.wav');
    makeAudio(grows, { freq: 220, seconds: 12 });
    const full = readFileSync(grows);
    // The first third is on disk when the scan runs; the rest arrives while it is read.
    const head = Math.floor(full.length / 3);
    const tail = join(root, 'grows.tail');
    writeFileSync(tail, full.subarray(head));
    truncateSync(grows, head);
    const r = await indexLibrary(db, [lib], { jobs: 1, components: growingComponents({ [grows]: tail }) });
    expect(readFileSync(grows).equals(full)).toBe(true);
    expect(r).toMatchObject({ indexed: 1, failed: [{ path: grows, reason: CHANGED_WHILE_READ }] });
    expect(durationOf(grows)).toBeUndefined();
    const next = await indexLibrary(db, [lib], { jobs: 1, components: testComponents() });
    expect(next).toMatchObject({ indexed: 1, unchanged: 1, failed: [] });
    expect(durationOf(grows)).toBeCloseTo(decodedSeconds(grows), 1);
  }, 120_000);

  it('a catalogued file rewritten while it is read keeps its track until the next scan takes it whole', async () => {
    const steady = join(lib, 'steady.wav');
    const id = listTracks(db).find((t) => t.path === steady)!.id;
    makeAudio(join(root, 'longer.wav'), { freq: 440, seconds: 9 });
    const longer = readFileSync(join(root, 'longer.wav'));
    const head = Math.floor(longer.length / 4);
    writeFileSync(steady, longer.subarray(0, head));
    const tail = join(root, 'longer.tail');
    writeFileSync(tail, longer.subarray(head));
    const r = await indexLibrary(db, [lib], { jobs: 1, components: growingComponents({ [steady]: tail }) });
    expect(r).toMatchObject({ indexed: 0, failed: [{ path: steady, reason: CHANGED_WHILE_READ }] });
    expect(listTracks(db).find((t) => t.path === steady)?.id).toBe(id);
    const next = await indexLibrary(db, [lib], { jobs: 1, components: testComponents() });
    expect(next).toMatchObject({ indexed: 1, failed: [] });
    expect(listTracks(db).find((t) => t.path === steady)?.id).toBe(id);
    expect(durationOf(steady)).toBeCloseTo(decodedSeconds(steady), 1);
  }, 120_000);
});
