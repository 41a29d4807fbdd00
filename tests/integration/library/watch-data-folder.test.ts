/**
 * The data folder may sit inside a library folder (a folder inside the data folder is refused, not
 * this); the scan leaves it out (scan.ts, `dataFolder`), and so does the watcher: its snapshot is
 * the scan's walk given the same data folder, so an audio file there (a corpus, a benchmark clip)
 * is no change of the library, and its folders are not watched. Truths: the files this test writes;
 * the periodic look is an hour here, so only the watch's own events can report a change.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderWatcher, type FolderChange } from '../../../electron/engine/library/watch';
import { contextFromEnv, Engine } from '../../../electron/engine/service';

const tmp = mkdtempSync(join(tmpdir(), 'nd-watch-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const HOUR = 3_600_000;
const FAST = { pollMs: HOUR, debounceMs: 100, stableMs: 300 };

/** A library folder with the data folder in it (not hidden: a hidden one is skipped as hidden), holding a corpus folder. */
function libraryWithData(name: string): { lib: string; data: string } {
  const lib = join(tmp, name);
  const data = join(lib, 'needledrop-data');
  mkdirSync(join(data, 'corpus'), { recursive: true });
  writeFileSync(join(lib, 'old.ogg'), 'old');
  return { lib, data };
}

describe('the data folder inside a library folder', () => {
  it('is not in what the watcher reports: an audio file written there is no change, one beside it is', async () => {
    const { lib, data } = libraryWithData('watcher');
    const seen: FolderChange[] = [];
    const w = new FolderWatcher([lib], (c) => seen.push(c), { ...FAST, dataFolder: data });
    try {
      await w.ready;
      // Written together: one look sees both, and reports the library's file alone.
      writeFileSync(join(data, 'corpus', 'pair-0001.wav'), 'corpus music');
      writeFileSync(join(lib, 'new.ogg'), 'new');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(1);
      expect(seen[0]).toEqual({ added: [join(lib, 'new.ogg')], changed: [], removed: [] });
      // A folder made in the data folder afterwards is not watched either: nothing there is reported.
      mkdirSync(join(data, 'base-benchmark'));
      writeFileSync(join(data, 'base-benchmark', 'clip-1.wav'), 'clip');
      writeFileSync(join(data, 'corpus', 'pair-0002.wav'), 'more corpus music');
      writeFileSync(join(lib, 'newer.ogg'), 'newer');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(2);
      expect(seen[1]).toEqual({ added: [join(lib, 'newer.ogg')], changed: [], removed: [] });
    } finally {
      w.close();
    }
  }, 150_000);

  it('the engine watches with its data folder left out: a file written there starts no scan, one in the library does', async () => {
    const { lib, data } = libraryWithData('engine');
    // A fresh data folder (no catalog yet): the engine starts no scan on opening, only the watcher can.
    const engine = new Engine(contextFromEnv({}, { dataDir: data, watch: FAST }));
    const scans = async (): Promise<number> => (await engine.call('jobs.list')).filter((j) => j.op === 'library.scan').length;
    try {
      await engine.call('library.addFolder', { path: lib });
      await expect.poll(() => engine.watching(), { timeout: 30_000 }).toBe(true);
      writeFileSync(join(data, 'corpus', 'pair-0001.wav'), 'corpus music');
      // Ten times the watcher's debounce and stability window: a watcher that saw it has started a scan by now.
      await sleep(4_000);
      expect(await scans()).toBe(0);
      // The watcher is alive: a file in the library starts a scan.
      writeFileSync(join(lib, 'new.ogg'), 'new');
      await expect.poll(scans, { timeout: 60_000 }).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  }, 150_000);
});
