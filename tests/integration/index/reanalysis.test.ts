import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { ANALYSIS_VERSION } from '../../../electron/engine/library/audio-analyzer';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { clickTrack, musicLike } from '../../helpers/media';
import { testComponents } from './fixtures/components';
import { tempDir } from './fixtures/media';

/**
 * A catalog analysed by an older analyzer (its summaries unstamped, or stamped lower) gets its
 * unchanged files analysed again by the next scan: tempo and key improve without the user
 * touching a file. The truth is the click track's own rate, not a number the analyzer produced.
 */
describe('re-analysis when the analyzer is newer than the catalog', () => {
  const BPM = 100;
  let root: string;
  let lib: string;
  let db: Catalog;
  const versioned = { ...testComponents(), analysisVersion: ANALYSIS_VERSION };
  const summaryOf = (name: string) => listTracks(db).find((t) => t.path.endsWith(name))!.summary;
  const idOf = (name: string) => listTracks(db).find((t) => t.path.endsWith(name))!.id;
  /** What a catalog written before stamping looks like: no version, and (here) a wrong tempo. */
  const ageSummary = (name: string, stamp: number | null): void => {
    const id = idOf(name);
    const sql =
      stamp === null
        ? "UPDATE tracks SET summary = json_set(json_remove(summary, '$.analysisVersion'), '$.bpm', 999) WHERE id = ?"
        : `UPDATE tracks SET summary = json_set(summary, '$.analysisVersion', ${stamp}, '$.bpm', 999) WHERE id = ?`;
    db.prepare(sql).run(id);
  };

  beforeAll(async () => {
    root = tempDir('reanalysis');
    lib = join(root, 'library');
    mkdirSync(lib, { recursive: true });
    await clickTrack(lib, { bpm: BPM, seconds: 12, name: 'click.wav' });
    await musicLike(lib, { seconds: 8, bpm: 120, name: 'music.wav' });
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('stamps every summary with the analyzer version', async () => {
    const r = await indexLibrary(db, [lib], { jobs: 1, components: versioned });
    expect(r).toMatchObject({ indexed: 2, failed: [] });
    expect(summaryOf('click.wav').analysisVersion).toBe(ANALYSIS_VERSION);
    expect(Math.abs(summaryOf('click.wav').bpm! - BPM) / BPM).toBeLessThan(0.04);
  });

  it('analyses an unstamped or older track again, keeping its id, and leaves current ones alone', async () => {
    const clickId = idOf('click.wav');
    ageSummary('click.wav', null);
    const musicBefore = summaryOf('music.wav');
    const r = await indexLibrary(db, [lib], { jobs: 1, components: versioned });
    expect(r).toMatchObject({ indexed: 1, unchanged: 1, removed: 0, failed: [] });
    const click = summaryOf('click.wav');
    expect(click.analysisVersion).toBe(ANALYSIS_VERSION);
    expect(Math.abs(click.bpm! - BPM) / BPM).toBeLessThan(0.04);
    expect(idOf('click.wav')).toBe(clickId);
    expect(summaryOf('music.wav')).toEqual(musicBefore);

    ageSummary('music.wav', ANALYSIS_VERSION - 1);
    const again = await indexLibrary(db, [lib], { jobs: 1, components: versioned });
    expect(again).toMatchObject({ indexed: 1, unchanged: 1 });
    expect(summaryOf('music.wav').bpm).not.toBe(999);
  });

  it('redoes nothing once every track is current, and a newer stamp is not downgraded', async () => {
    expect(await indexLibrary(db, [lib], { jobs: 1, components: versioned })).toMatchObject({ indexed: 0, unchanged: 2 });
    db.prepare("UPDATE tracks SET summary = json_set(summary, '$.analysisVersion', ?) WHERE id = ?").run(ANALYSIS_VERSION + 1, idOf('click.wav'));
    expect(await indexLibrary(db, [lib], { jobs: 1, components: versioned })).toMatchObject({ indexed: 0, unchanged: 2 });
  });

  it('components that declare no analyzer version never trigger re-analysis', async () => {
    ageSummary('click.wav', null);
    expect(await indexLibrary(db, [lib], { jobs: 1, components: testComponents() })).toMatchObject({ indexed: 0, unchanged: 2 });
    expect(summaryOf('click.wav').bpm).toBe(999);
  });
});
