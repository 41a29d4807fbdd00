/**
 * What a confined front (the app's renderer, the browser bridge) may make the engine read and
 * write. The CLI runs unconfined: its user types the paths. A confined request may read only the
 * library's folders, the clips the user opened, catalogued tracks, the data folder and a folder
 * the request itself names as the user's pick (a training corpus, a fine-tune's edits: `picked`),
 * after symlinks are resolved (a link inside the library pointing out of it does not count), and
 * may write only to absolute paths without `..` whose folder exists. Media is served to the
 * renderer only by id (a catalogued track, an opened clip), never by a path a request named.
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isUnder } from '../util/path-under';
import { EngineError } from '../../contract/errors';

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}


const forbidden = (path: string, why: string): EngineError =>
  new EngineError({ code: 'forbidden-path', message: `${path}: ${why}`, file: path });

export class PathGuard {
  constructor(
    readonly confined: boolean,
    private readonly roots: () => string[],
  ) {}

  /**
   * A path a confined front sent must be absolute (review S12.14: "relative.mp4" was resolved
   * against the engine's own working folder, which the user neither sees nor chose).
   */
  private absolute(path: string): string {
    if (this.confined && !isAbsolute(path)) throw forbidden(path, "a path from the app must be absolute (a relative one would name a file in the engine's own working folder)");
    return resolve(path);
  }

  /** A file or folder the user chose (a clip opened, a library folder added): any place, but absolute when confined. */
  chosen(path: string): string {
    return this.absolute(path);
  }

  /** A file or folder to read: inside an allowed root once symlinks are resolved. */
  read(path: string, extraRoots: readonly string[] = []): string {
    const abs = this.absolute(path);
    if (!this.confined) return abs;
    const r = real(abs);
    // A path that does not exist is the engine's to report (file not found), not a policy matter.
    if (r === null) return abs;
    const roots = [...this.roots(), ...extraRoots].map((x) => real(x) ?? resolve(x));
    if (!roots.some((root) => isUnder(r, root))) {
      throw forbidden(path, 'outside the library folders, the data folder and the clips you opened: add its folder in Library, or open the clip on the Match screen');
    }
    return abs;
  }

  /**
   * A folder the user typed or chose for one request (a training corpus, a fine-tune's edits), as
   * much their pick as a clip they opened: it may be read, and what is under it once links are
   * resolved (`inside`, e.g. the media a corpus manifest lists); nothing else is granted.
   */
  picked(dir: string): { dir: string; inside: (path: string) => string } {
    const abs = this.read(dir, [dir]);
    return { dir: abs, inside: (path) => this.read(path, [abs]) };
  }

  /** A file to write: absolute, no `..` segment, in a folder that exists. */
  write(path: string): string {
    if (!this.confined) return resolve(path);
    if (!isAbsolute(path)) throw forbidden(path, 'an output path must be absolute');
    if (path.split(/[\\/]/).includes('..')) throw forbidden(path, 'an output path may not contain ".."');
    const dir = dirname(path);
    let ok = false;
    try {
      ok = statSync(dir).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw forbidden(path, 'its folder does not exist');
    return path;
  }

  /** A folder to write files into (hand-off files, a model version): the same rules as for a file in it. */
  writeInto(dir: string): string {
    if (!this.confined) return resolve(dir);
    this.write(join(dir, 'file'));
    return dir;
  }
}
