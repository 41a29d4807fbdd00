/**
 * Review R1.14: `train --from-videos` on a missing folder or on a file said only "cannot read the
 * folder of edits"; and the features count stopped at the usable files ("Computing features 6/9"
 * for 9 files of which 3 failed), a failed file never counting as done. Real files: a missing path,
 * a real video given as the folder, and a folder of two undecodable .mp4 files (random bytes) and
 * an empty one.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../../electron/engine/train/dataset';
import { loadEditPairs } from '../../../electron/engine/train/edits';
import { randomBytes, sharedMediaDir, tempDir, zeroByte } from '../../helpers/media';

const media = await sharedMediaDir();

describe('a folder of edits that cannot be used says why', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-edits-errors-'));
  });
  afterAll(() => cleanup?.());
  const load = (folder: string, onProgress?: (p: LoadProgress) => void) => loadEditPairs(folder, { window: 16, hop: 4, cacheDir: join(dir, 'cache'), jobs: 2, ...(onProgress ? { onProgress } : {}) });

  it('a missing folder: no such folder, naming it', async () => {
    const missing = join(dir, 'not-there');
    await expect(load(missing)).rejects.toThrow(`${missing}: no such folder: give the folder that holds your finished edits`);
  });

  it.skipIf(!media)('a video given as the folder: it is a file, not a folder', async () => {
    const file = join(media as string, 'video', 'chaplin.mp4');
    await expect(load(file)).rejects.toThrow(`${file}: is a file, not a folder: give the folder that holds your finished edits`);
  });

  it('files that fail count as done: the last count is every file', async () => {
    const folder = join(dir, 'broken');
    mkdirSync(folder);
    await randomBytes(folder, 'a.mp4');
    await randomBytes(folder, 'b.mp4', 32 * 1024, 7);
    await zeroByte(folder, 'c.mp4');
    const seen: LoadProgress[] = [];
    const out = await load(folder, (p) => seen.push(p));
    expect(out.videos).toEqual([]);
    expect(out.skipped.map((s) => s.file.slice(folder.length + 1)).sort()).toEqual(['a.mp4', 'b.mp4', 'c.mp4']);
    expect(seen.at(-1)).toMatchObject({ done: 3, total: 3 });
  }, 120_000);
});
