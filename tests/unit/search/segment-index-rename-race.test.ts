/**
 * Two builds of one key in a shared root racing to rename their folder into place: when the
 * other build's folder lands between our removal and our rename, ours fails (ENOTEMPTY here;
 * EEXIST or EPERM on other systems) and the other's index is used; any other rename failure is
 * passed on. The other build's arrival is played at that exact point through a wrapped
 * renameSync (real renames underneath), so no timing decides the outcome.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { loadSegmentIndexIn, writeSegmentIndex, type IndexTrack } from '../../../electron/engine/search/segment-index';
import { rng, track, unitRows, trackInfo } from './synthetic';

const race = vi.hoisted(() => ({ before: null as null | ((from: string, to: string) => void) }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: (from: string, to: string) => {
      const before = race.before;
      if (before && basename(from).startsWith('.building-')) {
        race.before = null;
        before(from, to);
      }
      real.renameSync(from, to);
    },
  };
});

const d = 8;
let root: string;
let other: string;
beforeEach(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'nd-index-rename-race-'));
  other = fs.mkdtempSync(join(tmpdir(), 'nd-index-other-build-'));
});
afterEach(() => {
  race.before = null;
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(other, { recursive: true, force: true });
});
const info = trackInfo;
const some = (ids: number[]): IndexTrack[] => ids.map((id) => track(id, unitRows(rng(70 + id), 6, d), d));

/** The other build (tracks 7, 8) of the same key, renamed into place just before ours. */
async function otherBuildLandsFirst(key: string, thenFail?: string): Promise<void> {
  const built = join(other, 'index');
  await writeSegmentIndex(built, key, d, some([7, 8]));
  race.before = (_from, to) => {
    fs.renameSync(built, to); // not a build folder's name: passes straight through
    if (thenFail) throw Object.assign(new Error(`${thenFail}: rename failed`), { code: thenFail });
  };
}

it('uses the index another build renamed into place first (ENOTEMPTY from a real rename)', async () => {
  await otherBuildLandsFirst('k');
  const opened = await loadSegmentIndexIn(root, 'k', d, () => some([1, 2]), info);
  expect(opened.built).toBe(true);
  expect(opened.store.trackIds()).toEqual([7, 8]);
  await opened.close();
  expect(fs.readdirSync(root)).toHaveLength(1); // our build folder is gone
});

it.each(['EEXIST', 'EPERM'])('takes %s from the rename as the same race', async (code) => {
  await otherBuildLandsFirst('k', code);
  const opened = await loadSegmentIndexIn(root, 'k', d, () => some([1, 2]), info);
  expect(opened.store.trackIds()).toEqual([7, 8]);
  await opened.close();
  expect(fs.readdirSync(root)).toHaveLength(1);
});

it('passes on any other rename failure, and removes its build folder', async () => {
  race.before = () => {
    throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
  };
  await expect(loadSegmentIndexIn(root, 'k', d, () => some([1, 2]), info)).rejects.toMatchObject({ code: 'EIO' });
  expect(fs.readdirSync(root)).toEqual([]);
});
