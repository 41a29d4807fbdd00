/**
 * One settled change holding a rename and an edit: the watcher reports the old name removed, the
 * new name added and the edited file changed, together, and leaves the untouched file out.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderWatcher, type FolderChange } from '../../../electron/engine/library/watch';

const tmp = mkdtempSync(join(tmpdir(), 'nd-watch-rename-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('FolderWatcher, several changes at once', () => {
  it('reports a rename as removed + added and an edit as changed, in one change', async () => {
    const dir = join(tmp, 'music');
    mkdirSync(dir);
    for (const name of ['keep.flac', 'edit.mp3', 'old.ogg']) writeFileSync(join(dir, name), name);
    const seen: FolderChange[] = [];
    const w = new FolderWatcher([dir], (c) => seen.push(c), { poll: true, pollMs: 100, stableMs: 150 });
    try {
      await w.ready;
      renameSync(join(dir, 'old.ogg'), join(dir, 'new.ogg'));
      writeFileSync(join(dir, 'edit.mp3'), 'a longer body than before');
      // Waits for the watcher's report; the timeout only stops a watcher that never reports.
      await expect.poll(() => seen.length, { timeout: 20_000 }).toBe(1);
      expect(seen[0]).toEqual({ added: [join(dir, 'new.ogg')], changed: [join(dir, 'edit.mp3')], removed: [join(dir, 'old.ogg')] });
    } finally {
      w.close();
    }
  }, 30_000);
});
