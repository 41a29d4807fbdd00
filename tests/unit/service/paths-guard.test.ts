import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PathGuard } from '../../../electron/engine/service/paths-guard';

const tmp = mkdtempSync(join(tmpdir(), 'nd-guard-'));
const library = join(tmp, 'library');
const outside = join(tmp, 'outside');
mkdirSync(join(library, 'album'), { recursive: true });
mkdirSync(outside);
mkdirSync(join(tmp, 'other'));
writeFileSync(join(tmp, 'other', 'x.txt'), 'x');
writeFileSync(join(library, 'album', 'a.ogg'), 'x');
writeFileSync(join(outside, 'secret.txt'), 'x');
writeFileSync(join(outside, 'clip.mp4'), 'x');
symlinkSync(join(outside, 'secret.txt'), join(library, 'album', 'link.ogg'));
symlinkSync(outside, join(library, 'escape'));
symlinkSync(join(tmp, 'other', 'x.txt'), join(outside, 'link-out.ogg'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const confined = new PathGuard(true, () => [library]);
const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('PathGuard', () => {
  it('lets a confined request read inside the library, and the opened clip, and nothing else', () => {
    expect(confined.read(join(library, 'album', 'a.ogg'))).toBe(join(library, 'album', 'a.ogg'));
    expect(code(() => confined.read(join(outside, 'secret.txt')))).toBe('forbidden-path');
    expect(code(() => confined.read(join(library, '..', 'outside', 'secret.txt')))).toBe('forbidden-path');
    expect(code(() => confined.read('/etc/passwd'))).toBe('forbidden-path');
    expect(confined.read(join(outside, 'clip.mp4'), [join(outside, 'clip.mp4')])).toBe(join(outside, 'clip.mp4'));
    // The opened clip grants that file only, not its folder.
    expect(code(() => confined.read(join(outside, 'secret.txt'), [join(outside, 'clip.mp4')]))).toBe('forbidden-path');
  });

  it('resolves symlinks before deciding: links out of the library are refused', () => {
    expect(code(() => confined.read(join(library, 'album', 'link.ogg')))).toBe('forbidden-path');
    expect(code(() => confined.read(join(library, 'escape', 'secret.txt')))).toBe('forbidden-path');
  });

  it("reads a folder the request names as the user's pick, and only what lies inside it (review S8)", () => {
    const picked = confined.picked(outside);
    expect(picked.dir).toBe(outside);
    expect(picked.inside(join(outside, 'secret.txt'))).toBe(join(outside, 'secret.txt'));
    // A neighbouring folder, directly or by `..` out of the pick, stays refused.
    expect(code(() => picked.inside(join(tmp, 'other', 'x.txt')))).toBe('forbidden-path');
    expect(code(() => picked.inside(join(outside, '..', 'other', 'x.txt')))).toBe('forbidden-path');
    expect(code(() => picked.inside(join(outside, 'link-out.ogg')))).toBe('forbidden-path');
    // The pick lasts for that request only: read() alone still refuses the folder's files.
    expect(code(() => confined.read(join(outside, 'secret.txt')))).toBe('forbidden-path');
    const inPick = confined.picked(join(library, 'escape'));
    expect(inPick.inside(join(library, 'escape', 'secret.txt'))).toBe(join(library, 'escape', 'secret.txt'));
  });

  it('says what to do when it refuses a read', () => {
    expect(() => confined.read('/etc/passwd')).toThrow('/etc/passwd: outside the library folders, the data folder and the clips you opened: add its folder in Library, or open the clip on the Match screen');
  });

  it('treats percent-encoded dots as a literal name, not a way out', () => {
    // No such file inside the library: left to the engine's own "file not found".
    expect(confined.read(join(library, '%2e%2e', 'outside', 'secret.txt'))).toBe(join(library, '%2e%2e', 'outside', 'secret.txt'));
  });

  it('allows writes only to absolute paths without ".." in an existing folder', () => {
    expect(confined.write(join(outside, 'new.mp4'))).toBe(join(outside, 'new.mp4'));
    expect(code(() => confined.write('relative.mp4'))).toBe('forbidden-path');
    expect(code(() => confined.write(`${library}/../outside/x.mp4`))).toBe('forbidden-path');
    expect(code(() => confined.write(join(tmp, 'no-such-dir', 'x.mp4')))).toBe('forbidden-path');
    // A folder to write into follows the same rules as a file inside it.
    expect(confined.writeInto(outside)).toBe(outside);
    expect(code(() => confined.writeInto(join(tmp, 'no-such-dir')))).toBe('forbidden-path');
    expect(code(() => confined.writeInto('relative-dir'))).toBe('forbidden-path');
  });

  it('does not confine the CLI', () => {
    const open = new PathGuard(false, () => [library]);
    expect(open.read(join(outside, 'secret.txt'))).toBe(join(outside, 'secret.txt'));
    expect(open.write('relative.mp4')).toMatch(/relative\.mp4$/);
  });
});
