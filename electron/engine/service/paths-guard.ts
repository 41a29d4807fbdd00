/**
 * What a confined front (the app's renderer, the browser bridge) may make the engine read and
 * write. The CLI runs unconfined: its user types the paths. A confined request may read only the
 * library's folders, the clips the user opened, catalogued tracks, the data folder and a folder
 * the request itself names as the user's pick (a training corpus, a fine-tune's edits: `picked`),
 * after symlinks are resolved (a link inside the library pointing out of it does not count), and
 * may write only to absolute paths without `..` whose folder exists, never into the data folder
 * (settings, the active-model pointer, models, checkpoints, the catalog, caches: review R1.9), and
 * may replace an existing file (`force`) only when it is one Needledrop wrote of the same kind
 * (own-output.ts; a video or a remix only when recorded as written by it, never in a library
 * folder). Media is served to the renderer only by id (a catalogued track, an opened clip), never
 * by a path a request named.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, resolve, win32 } from 'node:path';
import { fileKey } from '../library/scan';
import { isUnder } from '../util/path-under';
import { realOrSelf } from '../util/real-path';
import { EngineError } from '../../contract/errors';
import { notOwnOutput, recordOwnOutput, type OutputKind } from './own-output';

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}


/**
 * A path as the platform's file system compares it (review R5.3): macOS and Windows volumes are
 * case-insensitive by default (and APFS ignores Unicode normalisation), and Win32 also drops a
 * trailing dot or space of a name and reads \\?\ as a plain path. So on those platforms
 * `…/needledrop/active-model.json` names the real `…/Needledrop/active-model.json`.
 */
export function comparablePath(path: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const plain = path.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\[?.]\\/, '');
    return win32
      .normalize(plain)
      .split('\\')
      .map((name, i) => (i === 0 ? name : name.replace(/[. ]+$/, '')))
      .join('\\')
      .toLowerCase();
  }
  if (platform === 'darwin') return path.normalize('NFC').toLowerCase();
  return path;
}

/** isUnder by the platform's rules of names (comparablePath). */
export function isUnderOn(path: string, dir: string, platform: NodeJS.Platform = process.platform): boolean {
  const under = platform === 'win32' ? (p: string, d: string) => p === d || p.startsWith(d.endsWith('\\') ? d : d + '\\') : isUnder;
  return under(comparablePath(path, platform), comparablePath(dir, platform));
}

/**
 * The names below `dir` that lead to `path`, or null when `path` is not inside it: by identity
 * first (each existing ancestor's dev+ino against the folder's, so no spelling gets past it),
 * then by the platform's rules of names (for what does not exist yet).
 */
export function namesBelow(path: string, dir: string, platform: NodeJS.Platform = process.platform): string[] | null {
  // A file or folder's identity on its volume, whatever the spelling that reached it (a link, a bind mount, another case).
  const target = fileKey(dir);
  if (target !== undefined) {
    const names: string[] = [];
    for (let cur = path; ; cur = dirname(cur)) {
      if (fileKey(cur) === target) return names.reverse();
      if (dirname(cur) === cur) break;
      names.push(basename(cur));
    }
  }
  if (!isUnderOn(path, dir, platform)) return null;
  const rel = (platform === 'win32' ? win32 : posix).relative(comparablePath(dir, platform), comparablePath(path, platform));
  return rel === '' ? [] : rel.split(platform === 'win32' ? '\\' : '/');
}

const forbidden = (path: string, why: string): EngineError =>
  new EngineError({ code: 'forbidden-path', message: `${path}: ${why}`, file: path });

/** A folder a corpus may be made in inside the data folder: not there yet, empty, or a corpus (its manifest). */
function corpusPlace(dir: string): boolean {
  try {
    const names = readdirSync(dir);
    return names.length === 0 || names.includes('manifest.json');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * The only places inside the data folder a corpus may be made: <data>/corpus (what the Train screen
 * offers) and <data>/corpora/<name>. Any other first-level name was let through while it did not
 * exist yet (review R5.2: active-model.json, models/, checkpoints/, a cache made into a corpus
 * folder left every screen and the CLI failing).
 */
function corpusFolderIn(parts: string[], p: string): boolean {
  const named = (parts.length === 1 && parts[0] === 'corpus') || (parts.length === 2 && parts[0] === 'corpora' && parts[1] !== '');
  return named && corpusPlace(p);
}

export class PathGuard {
  constructor(
    readonly confined: boolean,
    private readonly roots: () => string[],
    /** Needledrop's own files (the data folder, the catalog file): never written by a confined request. */
    private readonly own: { dataDir: string; catalogPath: string } | null = null,
    /** Whose rules of names apply (comparablePath): the running platform's, another's in tests. */
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /**
   * Why `path` is one of Needledrop's own files, or null. Both the path with its folder's links
   * resolved and its own target count: a write replaces a link, and a file written through one
   * lands on the target. `corpusFolder`: a corpus may be made inside the data folder only as
   * <data>/corpus (the Train screen offers it) or <data>/corpora/<name>, new, empty or a corpus already.
   */
  private ownFile(path: string, corpusFolder: boolean): string | null {
    if (!this.own) return null;
    const dir = real(dirname(path));
    const places = [...new Set([dir === null ? resolve(path) : join(dir, basename(path)), realOrSelf(path)])];
    const data = real(this.own.dataDir) ?? resolve(this.own.dataDir);
    const catalog = realOrSelf(this.own.catalogPath);
    for (const p of places) {
      // The catalog with its -wal/-shm files and its segment index (which sit beside it under --db).
      const besideCatalog = namesBelow(dirname(p), dirname(catalog), this.platform)?.length === 0;
      if (besideCatalog && comparablePath(basename(p), this.platform).startsWith(comparablePath(basename(catalog), this.platform))) return `is Needledrop's catalog (${catalog}) or beside it`;
      const below = namesBelow(p, data, this.platform);
      if (below === null) continue;
      if (corpusFolder && corpusFolderIn(below, p)) continue;
      const inData = `is inside Needledrop's data folder (${data}: settings, models, checkpoints, the catalog, caches), which the app writes only itself`;
      if (corpusFolder) return `${inData}; a corpus may be made there only as ${join(data, 'corpus')} or ${join(data, 'corpora', '<name>')} (new, empty or a corpus already): choose one of those or a folder outside it`;
      return `${inData}: choose another folder`;
    }
    return null;
  }

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

  /**
   * A file to write: absolute, no `..` segment, in a folder that exists, not one of Needledrop's own
   * (the data folder; for a corpus, a folder of its own inside it is fine).
   */
  write(path: string, opts: { corpusFolder?: boolean } = {}): string {
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
    const own = this.ownFile(path, opts.corpusFolder ?? false);
    if (own !== null) throw forbidden(path, own);
    return path;
  }

  /**
   * A write with `force` may replace an existing file only when it is one Needledrop wrote of the
   * same kind (a plan document, a video of the container its name says, …): without this a
   * confined front could overwrite any file of the user with a media or .json extension (review
   * R1.9). Nothing to check without `force` (an existing file is refused then) or when not confined.
   */
  async replace(path: string, force: boolean | undefined, kind: OutputKind): Promise<void> {
    if (!this.confined || !force) return;
    // A media file in a library folder is a track (or soon one): never replaced from the app, even one it rendered there (review R5.8).
    const target = real(path);
    const root = kind.recorded && target !== null ? this.roots().find((r) => isUnder(target, real(r) ?? resolve(r))) : undefined;
    if (root !== undefined) throw forbidden(path, `is in the library folder ${root}: the app never replaces a file of your library; choose another name or folder`);
    const why = await notOwnOutput(resolve(path), kind, this.own?.dataDir);
    if (why !== null) throw forbidden(path, why);
  }

  /**
   * Note a media file an export or a fit has just written as Needledrop's own, so that a later
   * `force` from the app may replace it (and nothing else of that kind: review R5.8). Recorded for
   * the CLI's engine too: its outputs are the app's to replace as well.
   */
  wrote(path: string): void {
    if (this.own) recordOwnOutput(this.own.dataDir, resolve(path));
  }

  /** A folder to write files into (hand-off files, a model version): the same rules as for a file in it. */
  writeInto(dir: string): string {
    if (!this.confined) return resolve(dir);
    this.write(join(dir, 'file'));
    return dir;
  }
}
