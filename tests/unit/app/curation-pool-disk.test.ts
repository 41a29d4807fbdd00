/**
 * Curation's pool and the disk (session 17 F1.7): statting every catalogued file on each similar
 * or playlist request cost 50–75 ms at 10,000 tracks. The pool now stats each folder per request
 * and a folder's files only when it changed. What it offers must stay what is on disk: a file
 * deleted, a folder unplugged (gone, or an empty mount point left in its place, review R24),
 * and back. Real files in a temp folder; existsSync is counted through the real one.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { curationPool } from '../../../electron/engine/app/curate';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { AUDIO_NAMES, AUDIO_SPEC } from '../../../electron/engine/features/spec';

const stats = vi.hoisted(() => ({ exists: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    existsSync: (p: Parameters<typeof real.existsSync>[0]) => {
      stats.exists++;
      return real.existsSync(p);
    },
  };
});

const tmp = mkdtempSync(join(tmpdir(), 'nd-pool-disk-'));
const FOLDERS = ['a', 'b', 'c'];
const PER_FOLDER = 10;
let db: Catalog;
let library: Library;
const idOf = new Map<string, number>();

beforeAll(() => {
  db = openCatalog(':memory:');
  let i = 0;
  for (const folder of FOLDERS) {
    mkdirSync(join(tmp, folder));
    for (let k = 0; k < PER_FOLDER; k++, i++) {
      const path = join(tmp, folder, `t${k}.ogg`);
      writeFileSync(path, '');
      const { trackId } = saveAnalysis(db, {
        file: { path, size: 1, mtimeMs: 1, hash: `h${i}` },
        info: { title: `T${i}`, artist: null, album: null, duration: 60 },
        summary: { bpm: 120, key: 'C', mode: 'major', energy: 0.5, loudness: -14 },
        features: { start: 0, step: 0.5, names: [...AUDIO_NAMES], data: new Float32Array(AUDIO_NAMES.length).fill(0.1), T: 1, D: AUDIO_NAMES.length, spec: AUDIO_SPEC.version },
        segments: { modelVersion: 'base', set: { starts: new Float32Array([0]), dim: 4, data: Float32Array.from([1, i, 0, 0]) } },
      });
      idOf.set(path, trackId);
    }
  }
  library = loadLibrary(db, 'base');
});
afterAll(() => {
  db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The paths the pool offers now, sorted. */
function offered(): string[] {
  const pool = curationPool(library);
  return [...idOf].filter(([, id]) => pool.offered(id)).map(([p]) => p).sort();
}
const inFolder = (folder: string): string[] => Array.from({ length: PER_FOLDER }, (_, k) => join(tmp, folder, `t${k}.ogg`));
const all = (): string[] => FOLDERS.flatMap(inFolder).sort();

describe('the curation pool and the files on disk', () => {
  it('stats each file once, then only the folders while nothing changed', () => {
    stats.exists = 0;
    expect(offered()).toEqual(all());
    expect(stats.exists).toBe(FOLDERS.length * PER_FOLDER);
    stats.exists = 0;
    expect(offered()).toEqual(all());
    expect(stats.exists).toBe(0);
  });

  it('a deleted file is no longer offered; only its folder is looked at again', () => {
    const gone = join(tmp, 'a', 't3.ogg');
    unlinkSync(gone);
    stats.exists = 0;
    expect(offered()).toEqual(all().filter((p) => p !== gone));
    expect(stats.exists).toBe(PER_FOLDER);
  });

  it('an unplugged folder, gone or left as an empty mount point, is not offered; back, it is', () => {
    const without = (folder: string) => all().filter((p) => p !== join(tmp, 'a', 't3.ogg') && !inFolder(folder).includes(p));
    renameSync(join(tmp, 'b'), join(tmp, 'b-away'));
    expect(offered()).toEqual(without('b'));
    mkdirSync(join(tmp, 'b')); // the mount point, empty
    expect(offered()).toEqual(without('b'));
    rmSync(join(tmp, 'b'), { recursive: true });
    renameSync(join(tmp, 'b-away'), join(tmp, 'b'));
    expect(offered()).toEqual(all().filter((p) => p !== join(tmp, 'a', 't3.ogg')));
  });
});
