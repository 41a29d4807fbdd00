/**
 * Review R26: removing a folder from the library left its tracks in the catalog for good (only a
 * scan of a root that holds them removes tracks, and the app scans only its folders). Now
 * `library.removeFolder` with `dropTracks` drops exactly the tracks under the folder — with their
 * segments, playlist items and feedback — and without it only unlists the folder and says how many
 * tracks stay. Real engine, real scan, real SQLite; the truths are the files this test wrote.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import type { EngineEvent } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { finishJob, startJob } from '../../../electron/engine/jobs/store';
import type { Engine } from '../../../electron/engine/service';
import { withEngine } from '../../helpers/engine';
import { sine, solidVideo } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-rmfolder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// /lib/a and /lib/ab share a name prefix: removing a must not touch ab. /elsewhere was indexed but never listed (the CLI's way).
const dirs = { a: join(tmp, 'lib', 'a'), ab: join(tmp, 'lib', 'ab'), elsewhere: join(tmp, 'elsewhere') };
const files: Record<keyof typeof dirs, string[]> = { a: [], ab: [], elsewhere: [] };

beforeAll(async () => {
  let freq = 220;
  for (const [k, n] of [['a', 3], ['ab', 2], ['elsewhere', 1]] as const) {
    mkdirSync(join(dirs[k], 'sub'), { recursive: true });
    // One file a level down, so "under" is checked beyond the folder's own files; a distinct tone each, so no file is taken for another's move.
    for (let i = 0; i < n; i++) files[k].push(await sine(i === 0 ? join(dirs[k], 'sub') : dirs[k], { seconds: 3, freq: (freq += 110), name: `t${i}.wav` }));
  }
  // The clip the feedback judges (feedback.record checks it is a readable video).
  await solidVideo(tmp, { seconds: 3, color: 'blue', name: 'clip.mp4' });
  // An unreadable file in each listed folder: the scan lists it in tracks.failed.
  for (const k of ['a', 'ab'] as const) writeFileSync(join(dirs[k], 'broken.mp3'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
}, 60_000);

/** A library of a and ab (listed) plus elsewhere (scanned, not listed), a playlist over all of it and feedback on every track. */
async function setUp(engine: Engine): Promise<{ ids: Map<string, number>; playlist: number }> {
  await engine.call('library.addFolder', { path: dirs.a });
  await engine.call('library.addFolder', { path: dirs.ab });
  const scan = await runJob(engine, 'library.scan', { jobs: 1 });
  expect(scan.indexed).toBe(5);
  expect((await engine.call('tracks.failed')).map((f) => f.path).sort()).toEqual([join(dirs.a, 'broken.mp3'), join(dirs.ab, 'broken.mp3')]);
  expect((await runJob(engine, 'library.scan', { folders: [dirs.elsewhere], jobs: 1 })).indexed).toBe(1);
  const page = await engine.call('tracks.list', { limit: 100 });
  const ids = new Map(page.tracks.map((t) => [t.path, t.id]));
  expect([...ids.keys()].sort()).toEqual([...files.a, ...files.ab, ...files.elsewhere].sort());
  const { id: playlist } = await engine.call('playlist.save', { name: 'all', trackIds: [...ids.values()] });
  for (const id of ids.values()) await engine.call('feedback.record', { clip: join(tmp, 'clip.mp4'), trackId: id, offset: 0, verdict: 'accept' });
  return { ids, playlist };
}

/**
 * The library of setUp, scanned once into a data folder of its own: each case works on a copy of
 * that folder (catalog, settings, caches), so every case starts from the same state without a
 * scan of its own (three engines scanning the same six files was most of this file's CPU).
 */
let template: { ids: Map<string, number>; playlist: number };
const TEMPLATE = join(tmp, 'template');
beforeAll(async () => {
  template = await withEngine(TEMPLATE, { confined: false }, setUp);
}, 300_000);

/** A real engine over a fresh copy of the scanned library's data folder, at `name`. */
function withScannedEngine(name: string, body: (engine: Engine, events: EngineEvent[]) => Promise<void>): Promise<void> {
  cpSync(TEMPLATE, join(tmp, name), { recursive: true });
  return withEngine(join(tmp, name), { confined: false }, body);
}

const idsOf = (ids: Map<string, number>, paths: string[]): number[] => paths.map((p) => ids.get(p)!).sort((x, y) => x - y);
const sorted = (xs: number[]): number[] => [...xs].sort((x, y) => x - y);

describe('library.removeFolder', () => {
  it('with dropTracks drops exactly the tracks under the folder, their segments, playlist items and feedback', async () => {
    await withScannedEngine('drop', async (engine, events: EngineEvent[]) => {
      const { ids, playlist } = template;
      const gone = idsOf(ids, files.a);
      const stay = idsOf(ids, [...files.ab, ...files.elsewhere]);
      expect(await engine.call('library.folderTracks', { path: dirs.a })).toEqual({ tracks: 3, kept: 0, keptUnder: [], moved: [] });
      expect(await engine.call('library.folderTracks', { path: dirs.elsewhere })).toEqual({ tracks: 1, kept: 0, keptUnder: [], moved: [] });
      const changedBefore = events.filter((e) => e.type === 'changed' && e.what === 'tracks').length;

      const r = await engine.call('library.removeFolder', { path: dirs.a + '/', dropTracks: true });
      expect(r).toEqual({ folders: [dirs.ab], dropped: 3, kept: 0, moved: [] });
      const left = await engine.call('tracks.list', { limit: 100 });
      expect(sorted(left.tracks.map((t) => t.id))).toEqual(stay);
      expect(sorted((await engine.call('playlist.get', { id: playlist })).trackIds)).toEqual(stay);
      expect(sorted((await engine.call('feedback.list')).map((f) => f.trackId))).toEqual(stay);
      // The unreadable file listed under the folder goes with it; the sibling's stays.
      expect((await engine.call('tracks.failed')).map((f) => f.path)).toEqual([join(dirs.ab, 'broken.mp3')]);
      expect(events.filter((e) => e.type === 'changed' && e.what === 'tracks').length).toBeGreaterThan(changedBefore);
      const db = openCatalog(join(tmp, 'drop', 'catalog.sqlite'));
      try {
        const segs = (ids: number[]): number => (db.prepare(`SELECT count(*) AS n FROM segments WHERE track_id IN (${ids.join(',')})`).get() as { n: number }).n;
        expect(segs(gone)).toBe(0);
        expect(segs(stay)).toBeGreaterThan(0);
        expect((db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n).toBe(3);
      } finally {
        db.close();
      }

      // A folder that is not listed (indexed by the CLI) goes the same way, and so does one no longer on disk.
      rmSync(dirs.elsewhere, { recursive: true });
      expect(await engine.call('library.removeFolder', { path: dirs.elsewhere, dropTracks: true })).toEqual({ folders: [dirs.ab], dropped: 1, kept: 0, moved: [] });
      expect(sorted((await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => t.id))).toEqual(idsOf(ids, files.ab));
      // The next scan of the remaining folder finds nothing to remove or add.
      const again = await runJob(engine, 'library.scan', { jobs: 1 });
      expect([again.indexed, again.removed, again.unchanged]).toEqual([0, 0, 2]);
    });
    mkdirSync(join(dirs.elsewhere, 'sub'), { recursive: true });
    await sine(join(dirs.elsewhere, 'sub'), { seconds: 3, freq: 880, name: 't0.wav' });
  }, 300_000);

  it('without dropTracks only unlists the folder and says how many tracks stay', async () => {
    await withScannedEngine('keep', async (engine) => {
      const { ids, playlist } = template;
      const all = sorted([...ids.values()]);
      expect(await engine.call('library.removeFolder', { path: dirs.a })).toEqual({ folders: [dirs.ab], dropped: 0, kept: 3, moved: [] });
      expect(sorted((await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => t.id))).toEqual(all);
      expect(sorted((await engine.call('playlist.get', { id: playlist })).trackIds)).toEqual(all);
      expect(sorted((await engine.call('feedback.list')).map((f) => f.trackId))).toEqual(all);
      expect(await engine.call('tracks.failed')).toHaveLength(2);
      // Tracks another library folder also holds are not dropped (its next scan would only bring them back) and are counted as kept.
      await engine.call('library.addFolder', { path: join(tmp, 'lib') });
      expect(await engine.call('library.folderTracks', { path: dirs.ab })).toEqual({ tracks: 0, kept: 2, keptUnder: [join(tmp, 'lib')], moved: [] });
      expect(await engine.call('library.removeFolder', { path: dirs.ab, dropTracks: true })).toEqual({ folders: [join(tmp, 'lib')], dropped: 0, kept: 2, moved: [] });
      expect((await engine.call('tracks.list', { limit: 100 })).total).toBe(6);
    });
  }, 300_000);

  it('refuses to drop tracks while a scan of the catalog is running, and changes nothing', async () => {
    await withScannedEngine('busy', async (engine) => {
      const { ids } = template;
      // An index run holding the catalog (as a CLI scan in another process records itself).
      const db = openCatalog(join(tmp, 'busy', 'catalog.sqlite'));
      const job = startJob(db, 'index', 0);
      try {
        const err = await engine.call('library.removeFolder', { path: dirs.a, dropTracks: true }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EngineError);
        expect((err as EngineError).code).toBe('busy');
        expect((err as EngineError).message).toMatch(/a scan of the catalog is running/);
        expect(await engine.call('library.folders')).toEqual([dirs.a, dirs.ab]);
        expect((await engine.call('tracks.list', { limit: 100 })).total).toBe(ids.size);
      } finally {
        finishJob(db, job, 'done');
        db.close();
      }
      expect((await engine.call('library.removeFolder', { path: dirs.a, dropTracks: true })).dropped).toBe(3);
    });
  }, 300_000);
});
