// publish() on file systems without hard links (FAT, some network shares: `link` fails there
// with EPERM, ENOTSUP, EOPNOTSUPP or EXDEV): it falls back to checking the name and renaming.
// The link function is passed in, failing as such a file system would; the files are real.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publish } from '../../../electron/engine/media/export';

const base = mkdtempSync(join(tmpdir(), 'nd-export-publish-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
const fresh = (): string => {
  const d = join(base, `d${n++}`);
  mkdirSync(d);
  return d;
};

describe('publish without hard links', () => {
  /** A hard link failing with `code`, as on a file system without hard links (FAT, some shares). */
  const noHardLinks = (code: string) => async (): Promise<void> => {
    throw Object.assign(new Error(`${code}: operation not supported, link`), { code });
  };

  it('publish without hard links (EPERM, ENOTSUP, EOPNOTSUPP, EXDEV): renames to a new name, still refuses an existing one', async () => {
    for (const code of ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV']) {
      const d = fresh();
      writeFileSync(join(d, 'part'), code);
      await publish(join(d, 'part'), join(d, 'out.mp4'), 'out.mp4', false, noHardLinks(code));
      expect(readFileSync(join(d, 'out.mp4'), 'utf8'), code).toBe(code);
      expect(existsSync(join(d, 'part')), `${code}: moved, not copied`).toBe(false);
      writeFileSync(join(d, 'part2'), 'newer');
      await expect(publish(join(d, 'part2'), join(d, 'out.mp4'), 'out.mp4', false, noHardLinks(code)), code).rejects.toMatchObject({
        kind: 'input',
        code: 'exists',
        file: 'out.mp4',
        message: 'out.mp4: already exists',
      });
      expect(readFileSync(join(d, 'out.mp4'), 'utf8'), `${code}: the existing file is kept`).toBe(code);
    }
  });

  it('publish: a link failure that is not about hard links passes through, and nothing is moved', async () => {
    const d = fresh();
    writeFileSync(join(d, 'part'), 'new');
    await expect(publish(join(d, 'part'), join(d, 'out.mp4'), 'out.mp4', false, noHardLinks('EACCES'))).rejects.toMatchObject({ code: 'EACCES' });
    expect(existsSync(join(d, 'out.mp4'))).toBe(false);
    expect(existsSync(join(d, 'part'))).toBe(true);
  });
});
