/**
 * The Library table's query: sort, search, paging, a cache that never serves a stale row, the
 * tracks under none of the library folders, and the tempo as the catalog holds it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { moveFile } from '../../../electron/engine/catalog/files';
import { saveAnalysis, trackByPath, type AnalysisRecord } from '../../../electron/engine/catalog/tracks';
import { queryTracks, trackDetail } from '../../../electron/engine/service/library';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-table-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(path: string, bpm: number, title: string): AnalysisRecord {
  return {
    file: { path, size: 100, mtimeMs: 1000, hash: `h-${path}-${bpm}` },
    info: { title, artist: 'A', album: null, duration: bpm / 10 },
    summary: { bpm, key: 'C', mode: 'major', energy: 0.4, beats: [0.5, 1] },
    features: { step: 0.5, names: ['a'], data: new Float32Array(4), T: 4, D: 1, spec: 's', start: 0 },
  };
}

describe('queryTracks', () => {
  it('sorts, searches every word and pages', () => {
    saveAnalysis(db, record('/m/one.ogg', 90, 'Blue Train'));
    saveAnalysis(db, record('/m/two.ogg', 140, 'Red Train'));
    saveAnalysis(db, record('/m/three.ogg', 120, 'Blue Moon'));
    const byBpm = queryTracks(db, 'base', { sort: 'bpm', descending: true }, ['/m']);
    expect(byBpm.tracks.map((t) => t.bpm)).toEqual([140, 120, 90]);
    expect(queryTracks(db, 'base', { search: 'blue train' }, ['/m']).tracks.map((t) => t.title)).toEqual(['Blue Train']);
    const page = queryTracks(db, 'base', { sort: 'title', offset: 1, limit: 1 }, ['/m']);
    expect(page).toMatchObject({ total: 3, offset: 1 });
    expect(page.tracks.map((t) => t.title)).toEqual(['Blue Train']);
  });

  it('shows a re-analysis (same track id) and a move at once, never the cached row', async () => {
    saveAnalysis(db, record('/m/one.ogg', 90, 'Old title'));
    expect(queryTracks(db, 'base', {}, ['/m']).tracks[0]).toMatchObject({ bpm: 90, title: 'Old title' });
    const id = trackByPath(db, '/m/one.ogg')!.id;
    await new Promise((r) => setTimeout(r, 5)); // a later indexed_at
    saveAnalysis(db, record('/m/one.ogg', 128, 'New title'));
    expect(trackByPath(db, '/m/one.ogg')!.id).toBe(id);
    expect(queryTracks(db, 'base', {}, ['/m']).tracks[0]).toMatchObject({ id, bpm: 128, title: 'New title' });
    moveFile(db, trackByPath(db, '/m/one.ogg')!.fileId, { path: '/m/renamed-longer.ogg', size: 100, mtimeMs: 1000 });
    expect(queryTracks(db, 'base', {}, ['/m']).tracks[0]).toMatchObject({ id, path: '/m/renamed-longer.ogg' });
  });

  it('marks and filters the tracks under none of the library folders, and counts them whatever the filter', () => {
    saveAnalysis(db, record('/m/one.ogg', 90, 'In'));
    saveAnalysis(db, record('/other/two.ogg', 100, 'Out'));
    // A sibling that only shares the folder's name prefix is not inside it.
    saveAnalysis(db, record('/mm/three.ogg', 110, 'Prefix'));
    const all = queryTracks(db, 'base', { sort: 'title' }, ['/m']);
    expect(all.tracks.map((t) => [t.title, t.outside])).toEqual([['In', false], ['Out', true], ['Prefix', true]]);
    expect(all.outside).toBe(2);
    const out = queryTracks(db, 'base', { sort: 'title', outside: true }, ['/m']);
    expect(out).toMatchObject({ total: 2, outside: 2 });
    expect(out.tracks.map((t) => t.path)).toEqual(['/other/two.ogg', '/mm/three.ogg']);
    expect(queryTracks(db, 'base', { search: 'in' }, ['/m']).outside).toBe(2);
    // The folders are asked per query: adding one takes its tracks in at once, through the same cache.
    expect(queryTracks(db, 'base', { outside: true }, ['/m', '/other']).tracks.map((t) => t.path)).toEqual(['/mm/three.ogg']);
    expect(trackDetail(db, 'base', trackByPath(db, '/other/two.ogg')!.id, ['/m']).outside).toBe(true);
    expect(trackDetail(db, 'base', trackByPath(db, '/m/one.ogg')!.id, ['/m']).outside).toBe(false);
  });

  it('puts the tracks with no tempo (or no tag) last in both orders, and ties in catalog order (the table began "BPM, fastest first" with "–" rows)', () => {
    saveAnalysis(db, record('/m/one.ogg', 90, 'One'));
    const none = record('/m/none.ogg', 100, 'None');
    saveAnalysis(db, { ...none, summary: { ...none.summary, bpm: null } });
    saveAnalysis(db, record('/m/two.ogg', 140, 'Two'));
    saveAnalysis(db, record('/m/twin.ogg', 140, 'Twin'));
    const untagged = record('/m/untagged.ogg', 120, 'x');
    saveAnalysis(db, { ...untagged, info: { ...untagged.info, artist: null } });
    const order = (sort: 'bpm' | 'artist', descending: boolean): (string | null)[] => queryTracks(db, 'base', { sort, descending }, ['/m']).tracks.map((t) => t.title);
    expect(order('bpm', false)).toEqual(['One', 'x', 'Two', 'Twin', 'None']);
    expect(order('bpm', true)).toEqual(['Two', 'Twin', 'x', 'One', 'None']);
    expect(order('artist', true).at(-1)).toBe('x');
    expect(order('artist', false).at(-1)).toBe('x');
  });

  it('puts the tracks with no key found ("?") last in both orders, and a title "?" among the titles', () => {
    const keyed = (path: string, title: string, key: string | null, mode: 'major' | 'minor' | null): AnalysisRecord => {
      const r = record(path, 100, title);
      return { ...r, summary: { ...r.summary, key, mode } };
    };
    saveAnalysis(db, keyed('/m/none.ogg', 'None', null, null));
    saveAnalysis(db, keyed('/m/a.ogg', 'A', 'A', 'minor'));
    saveAnalysis(db, keyed('/m/g.ogg', 'G', 'G', 'major'));
    saveAnalysis(db, keyed('/m/q.ogg', '?', 'C', 'major'));
    const order = (sort: 'key' | 'title', descending: boolean): (string | null)[] => queryTracks(db, 'base', { sort, descending }, ['/m']).tracks.map((t) => t.title);
    expect(order('key', false)).toEqual(['A', '?', 'G', 'None']);
    expect(order('key', true)).toEqual(['G', '?', 'A', 'None']);
    expect(order('title', false)).toEqual(['?', 'A', 'G', 'None']);
  });

  it('sorts by title as the column shows it: an untagged file by its name, among the titles', () => {
    saveAnalysis(db, record('/m/zed.ogg', 90, 'Zed'));
    saveAnalysis(db, record('/m/beta-song.ogg', 100, 'Beta'));
    const untagged = record('/m/alpha.ogg', 110, 'x');
    saveAnalysis(db, { ...untagged, info: { ...untagged.info, title: null } });
    expect(queryTracks(db, 'base', { sort: 'title' }, ['/m']).tracks.map((t) => t.title ?? t.path)).toEqual(['/m/alpha.ogg', 'Beta', 'Zed']);
    expect(queryTracks(db, 'base', { sort: 'title', descending: true }, ['/m']).tracks.map((t) => t.title ?? t.path)).toEqual(['Zed', 'Beta', '/m/alpha.ogg']);
  });

  it('marks a track whose file is not there now (an unplugged drive), in the table and the detail', () => {
    const here = join(dir, 'here.ogg');
    writeFileSync(here, 'x');
    saveAnalysis(db, record(here, 100, 'Here'));
    saveAnalysis(db, record(join(dir, 'gone', 'away.ogg'), 110, 'Away'));
    const rows = queryTracks(db, 'base', { sort: 'title' }, [dir]).tracks;
    expect(rows.map((t) => [t.title, t.unavailable])).toEqual([['Away', true], ['Here', false]]);
    expect(trackDetail(db, 'base', rows[0].id, [dir]).unavailable).toBe(true);
    expect(trackDetail(db, 'base', rows[1].id, [dir]).unavailable).toBe(false);
  });

  it('gives the tempo the catalog holds, as the match results do (the Library said 177 where Match said 176 for 176.47)', () => {
    saveAnalysis(db, record('/m/one.ogg', 176.47, 'Fishin'));
    const stored = trackByPath(db, '/m/one.ogg')!.summary.bpm;
    expect(stored).toBe(176.47);
    expect(queryTracks(db, 'base', {}, ['/m']).tracks[0].bpm).toBe(stored);
  });
});
