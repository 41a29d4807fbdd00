/**
 * Review R1.9: a symbolic link loop (or a broken link) in a library folder made Node's recursive
 * fs.watch on Linux fail with ELOOP, and watching fell back to a look every 30 s without a word.
 * Each folder is now watched on its own, which stats no entry; where watching does fall back, the
 * engine says why with the settings (the Library and Settings screens show it).
 * Truths: the files and links this test makes; the periodic look is an hour here, so only the
 * watch's own events can report a change within the test.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderWatcher, type FolderChange } from '../../../electron/engine/library/watch';
import { contextFromEnv, Engine } from '../../../electron/engine/service';

const tmp = mkdtempSync(join(tmpdir(), 'nd-watch-links-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const HOUR = 3_600_000;

/** A library folder holding a link loop, a broken link and a subfolder, as the reviewer's. */
function oddFolder(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'old.ogg'), 'old');
  symlinkSync('loopb.ogg', join(dir, 'loopa.ogg'));
  symlinkSync('loopa.ogg', join(dir, 'loopb.ogg'));
  symlinkSync('/nonexistent/x.ogg', join(dir, 'sub', 'dangling.ogg'));
  return dir;
}

describe('watching a folder with a symbolic link loop', () => {
  it('sees new files as they come, in the folder, a subfolder and a folder made after the start', async () => {
    const dir = oddFolder('loop');
    const seen: FolderChange[] = [];
    const w = new FolderWatcher([dir], (c) => seen.push(c), { pollMs: HOUR, debounceMs: 100, stableMs: 300 });
    try {
      await w.ready;
      expect(w.problem).toBeNull();
      // Each wait gives up after a minute: only a watcher that never reports reaches it.
      writeFileSync(join(dir, 'new.ogg'), 'new');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(1);
      expect(seen[0]).toEqual({ added: [join(dir, 'new.ogg')], changed: [], removed: [] });
      writeFileSync(join(dir, 'sub', 'deeper.ogg'), 'deeper');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(2);
      expect(seen[1]).toEqual({ added: [join(dir, 'sub', 'deeper.ogg')], changed: [], removed: [] });
      mkdirSync(join(dir, 'later'));
      writeFileSync(join(dir, 'later', 'first.ogg'), 'first');
      await expect.poll(() => seen.flatMap((c) => c.added), { timeout: 60_000 }).toContain(join(dir, 'later', 'first.ogg'));
      const count = seen.length;
      writeFileSync(join(dir, 'later', 'second.ogg'), 'second');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(count + 1);
      expect(seen[count]).toEqual({ added: [join(dir, 'later', 'second.ogg')], changed: [], removed: [] });
      expect(w.problem).toBeNull();
    } finally {
      w.close();
    }
  }, 300_000);

  it('a listed folder that is not there (an unplugged drive) is said, and the others are still watched; back, it is watched again', async () => {
    const lib = oddFolder('beside');
    const gone = join(tmp, 'unplugged');
    const seen: FolderChange[] = [];
    const problems: Array<string | null> = [];
    const w = new FolderWatcher([gone, lib], (c) => seen.push(c), { pollMs: HOUR, debounceMs: 100, stableMs: 300, onProblem: (p) => problems.push(p) });
    try {
      await w.ready;
      expect(w.problem).toBe(`looking every 3600 s, not as files change: ${gone}: no such file or folder`);
      writeFileSync(join(lib, 'sub', 'new.ogg'), 'new');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(1);
      expect(seen[0]).toEqual({ added: [join(lib, 'sub', 'new.ogg')], changed: [], removed: [] });
      // The drive is back: the next look (any change) watches it, and watching is whole again.
      mkdirSync(gone);
      writeFileSync(join(lib, 'again.ogg'), 'again');
      await expect.poll(() => w.problem, { timeout: 60_000 }).toBeNull();
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(2);
      writeFileSync(join(gone, 'back.ogg'), 'back');
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(3);
      expect(seen[2]).toEqual({ added: [join(gone, 'back.ogg')], changed: [], removed: [] });
      // Unplugged again while watched: said again at the next look; back once more, its new folder is watched.
      rmSync(gone, { recursive: true });
      await expect.poll(() => w.problem, { timeout: 60_000 }).toBe(`looking every 3600 s, not as files change: ${gone}: no such file or folder`);
      mkdirSync(gone);
      writeFileSync(join(lib, 'trigger.ogg'), 'trigger');
      await expect.poll(() => w.problem, { timeout: 60_000 }).toBeNull();
      const count = seen.length;
      writeFileSync(join(gone, 'again.ogg'), 'again');
      await expect.poll(() => seen.flatMap((c) => c.added), { timeout: 60_000 }).toContain(join(gone, 'again.ogg'));
      expect(seen.length).toBeGreaterThan(count);
      const gonePlain = `looking every 3600 s, not as files change: ${gone}: no such file or folder`;
      expect(problems).toEqual([gonePlain, null, gonePlain, null]);
    } finally {
      w.close();
    }
  }, 300_000);

  it('the engine says why it falls back to the periodic look, naming the folder, and nothing when it does not', async () => {
    const lib = oddFolder('lib');
    const gone = join(tmp, 'gone');
    mkdirSync(gone);
    const dataDir = join(tmp, 'home');
    const listing = new Engine(contextFromEnv({}, { dataDir }));
    try {
      await listing.call('library.addFolder', { path: lib });
    } finally {
      await listing.close();
    }
    const open = (): Engine => new Engine(contextFromEnv({}, { dataDir, watch: { pollMs: HOUR } }));
    let engine = open();
    try {
      expect(await engine.watching()).toBe(true);
      expect((await engine.call('settings.get')).watchProblem).toBeNull();
      await engine.call('library.addFolder', { path: gone });
    } finally {
      await engine.close();
    }
    // A listed folder that is not there (an unplugged drive) cannot be watched: the next open says so.
    rmSync(gone, { recursive: true });
    engine = open();
    try {
      expect((await engine.call('settings.get')).watchProblem).toBe(`looking every 3600 s, not as files change: ${gone}: no such file or folder`);
      expect((await engine.call('settings.set', { watch: false })).watchProblem).toBeNull();
    } finally {
      await engine.close();
    }
  }, 120_000);
});
