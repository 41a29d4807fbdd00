import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, linkSync, readdirSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inputError } from '../errors';
import { catalogPath, dataHome } from '../paths';
import { errnoWords } from '../util/errno';
import { pidAlive } from '../util/pid';
import { folderWriteProblem, makeFolder } from '../util/writable';
import { latestVersion, migrate } from './migrations';
import { errorMessage } from '../util/error-message';

// URI filenames (for `immutable=1`, the one way to read a cleanly closed WAL catalog in a folder that
// cannot be written) are off in better-sqlite3 unless SQLITE_USE_URI=1 when its addon loads, at the
// process's first connection. Only names beginning "file:" change meaning: ours are absolute paths.
process.env.SQLITE_USE_URI ??= '1';

export type Catalog = Database.Database;

export interface OpenOptions {
  /** Open without migrating or writing (e.g. to watch another process's catalog). */
  readonly?: boolean;
}

/**
 * Open (creating if needed) the catalog at `path`, default catalogPath(): WAL so readers never
 * wait for the indexer, foreign keys on so deleting a file cascades to its analysis, and a busy
 * timeout so two processes on one catalog queue instead of failing.
 */
export function openCatalog(path: string = catalogPath(), options: OpenOptions = {}): Catalog {
  const folderName = folderNameOf(path);
  if (options.readonly) return openReadOnly(path, folderName);
  makeFolder(dirname(resolve(path)), folderName);
  // SQLite opens a file it may not write read-only without a word, and the first write fails deep in a job.
  const problem = writeProblem(path, folderName);
  if (problem !== null) throw inputError(path, problem);
  // ':memory:' (tests) is SQLite's name for a database in memory, not a file to create.
  const inMemory = path === ':memory:';
  if (!inMemory && !existsSync(path)) createCatalog(path, folderName);
  let db: Catalog;
  try {
    db = new Database(path, { fileMustExist: !inMemory });
  } catch (err) {
    throw inputError(path, readOnlyCause(path, folderName, err) ?? `cannot open catalog (${errorMessage(err)})`, err);
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (err) {
    db.close();
    throw inputError(path, readOnlyCause(path, folderName, err) ?? `not a usable catalog (${errorMessage(err)})`, err);
  }
  return db;
}

/**
 * Open an existing catalog to read it: as openCatalog where its folder and file can be written (so
 * it is migrated), else read-only (review R4.3: every command failed in a read-only data folder, even
 * those that only read). Whether writes are possible is then `db.readonly`.
 */
export function openCatalogForReading(path: string = catalogPath()): Catalog {
  const folderName = folderNameOf(path);
  const problem = existsSync(path) ? writeProblem(path, folderName) : null;
  return problem === null ? openCatalog(path) : openReadOnly(path, folderName);
}

/** Why the catalog at `path` cannot be written (its folder or file, in words), or null when it can. */
export function catalogWriteProblem(path: string = catalogPath()): string | null {
  return writeProblem(path, folderNameOf(path));
}

/** Immutable connections (no -wal or -shm when opened) and the catalog file's stamp then. */
const snapshots = new WeakMap<Catalog, { path: string; stamp: string }>();

/**
 * Whether `db` is an immutable read of a catalog that has changed since (a writer with another view
 * of the folder: a -wal or -shm appeared, or the file changed): SQLite takes no locks and reads no
 * WAL for it, so it must be opened again before the next read, or it would read stale or torn pages.
 */
export function catalogChangedUnder(db: Catalog): boolean {
  const snap = snapshots.get(db);
  return snap !== undefined && fileStamp(snap.path) !== snap.stamp;
}

/**
 * A read-only connection, migrated by no one: SQLite reads a WAL catalog read-only when its -wal and
 * -shm are there (a writer has it open, or one stopped without closing), creating -shm where it can.
 * In a folder it cannot write, a cleanly closed catalog (neither there) is read as immutable, which is
 * exact only while nothing writes it: checked before and after the open, and by catalogChangedUnder.
 * A -wal without its -shm (or the reverse) cannot be read safely there: said, not guessed.
 */
function openReadOnly(path: string, folderName: string): Catalog {
  let db: Catalog | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    checkSchema(db, path);
  } catch (err) {
    db?.close();
    if (err instanceof CatalogSchemaError) throw inputError(path, err.message, err);
    const cause = readOnlyCause(path, folderName, err);
    if (cause === null) throw inputError(path, `not a usable catalog (${errorMessage(err)})`, err);
    db = openImmutable(path, cause);
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    throw inputError(path, `not a usable catalog (${errorMessage(err)})`, err);
  }
  return db;
}

/** The cleanly closed catalog in a folder that cannot be written, read as immutable; else why not (`cause`: the folder). */
function openImmutable(path: string, cause: string): Catalog {
  const name = basename(path);
  const wal = existsSync(`${path}-wal`);
  const shm = existsSync(`${path}-shm`);
  if (wal || shm) {
    // A -wal may hold commits the main file lacks: an immutable read would miss them, or read a page a checkpoint is rewriting.
    const there = wal && shm ? `${name}-wal and ${name}-shm are there (another process is writing it, or one stopped without closing it) but cannot be read` : `${name}-${wal ? 'wal' : 'shm'} is there without its ${name}-${wal ? 'shm' : 'wal'}`;
    throw inputError(path, `${cause}; ${there}, so it cannot be read safely now: open it once where its folder can be written`);
  }
  const stamp = fileStamp(path);
  let db: Catalog;
  try {
    // The URI form of the path (percent-encoded), mode=ro as the open's flags say.
    db = new Database(`${pathToFileURL(resolve(path)).href}?mode=ro&immutable=1`, { readonly: true, fileMustExist: true });
  } catch (err) {
    // This process loaded SQLite before SQLITE_USE_URI was set (URI names are then plain file names, not found).
    throw inputError(path, `${cause} (and this process cannot read it immutable: ${errorMessage(err)})`, err);
  }
  try {
    checkSchema(db, path);
    // A writer that began between the look and the open would not be seen by this connection.
    if (fileStamp(path) !== stamp) throw new CatalogSchemaError(`${cause}; another process began writing it while it was opened: try again`);
  } catch (err) {
    db.close();
    throw inputError(path, err instanceof CatalogSchemaError ? err.message : `not a usable catalog (${errorMessage(err)})`, err);
  }
  snapshots.set(db, { path, stamp });
  return db;
}

/** The catalog file's size and modification time, and whether its -wal and -shm are there. */
function fileStamp(path: string): string {
  const st = (p: string): Stats | undefined => statSync(p, { throwIfNoEntry: false });
  const main = st(path);
  return [main?.size, main?.mtimeMs, st(`${path}-wal`) !== undefined, st(`${path}-shm`) !== undefined].join(':');
}

class CatalogSchemaError extends Error {}

/**
 * A catalog read without migrating must have this build's schema: user_version 0 is a catalog whose
 * creation has not committed (review R4.8: a reader saw "no such table: files" while an index was
 * starting); an older one cannot be upgraded by a read.
 */
function checkSchema(db: Catalog, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion();
  if (version === 0) throw new CatalogSchemaError('the catalog is being created (or its creation was cut short): let the index that is making it finish, or run index');
  if (version > latest) throw new CatalogSchemaError(`catalog schema version ${version} is newer than this build knows (${latest})`);
  if (version < latest) {
    throw new CatalogSchemaError(`the catalog is from an older Needledrop (schema ${version}, this build reads ${latest}) and must be upgraded, which writes it: run any command once where ${basename(path)} and its folder can be written`);
  }
}

/**
 * Make a new catalog whole before it has its name: its schema committed and the file closed under a
 * temporary name, then linked into place (review R4.8: the file existed with no tables until the first
 * migration committed, and a reader then saw "no such table: files"). Of two processes creating it at
 * once, the first link wins and the other opens that one.
 */
function createCatalog(path: string, folderName: string): void {
  const full = resolve(path);
  const prefix = `${basename(full)}.creating-`;
  const folder = dirname(full);
  // What a creator killed mid-way left (its pid is the name's first part).
  for (const f of readdirSync(folder)) {
    if (f.startsWith(prefix) && !pidAlive(Number.parseInt(f.slice(prefix.length), 10))) rmSync(join(folder, f), { force: true });
  }
  const tmp = join(folder, `${prefix}${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    const db = new Database(tmp);
    try {
      db.pragma('journal_mode = WAL');
      migrate(db);
    } finally {
      // The last connection's close checkpoints the WAL into the file and removes -wal and -shm.
      db.close();
    }
    try {
      linkSync(tmp, full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // EEXIST: another process made it first. A disk without hard links: a rename, unless it is there by now.
      if (code !== 'EEXIST' && !existsSync(full)) renameSync(tmp, full);
    }
  } catch (err) {
    throw inputError(path, readOnlyCause(path, folderName, err) ?? `cannot create the catalog (${errorMessage(err)})`, err);
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  }
}

function folderNameOf(path: string): string {
  return dirname(resolve(path)) === resolve(dataHome()) ? 'the data folder' : "the catalog's folder";
}


/**
 * Why SQLite could not open or write the catalog when its folder or file cannot be written, else null.
 * A read-only data folder read "not a usable catalog (unable to open database file)", as if the catalog
 * were damaged (review R4.3).
 */
function readOnlyCause(path: string, folderName: string, err: unknown): string | null {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(READONLY|CANTOPEN)/.test(code) ? writeProblem(path, folderName) : null;
}

/** Null when the catalog's folder and file (if there) can be written; else which cannot, and why. */
function writeProblem(path: string, folderName: string): string | null {
  const folder = dirname(resolve(path));
  const problem = folderWriteProblem(folder);
  const name = basename(path);
  if (problem !== null) return `${folderName} ${folder} is read-only (${problem}): the catalog cannot be changed (SQLite writes ${name}-wal and ${name}-shm beside it)`;
  if (!existsSync(path)) return null;
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return null;
  } catch (e) {
    return `the catalog file is read-only (${errnoWords(e)}): make it writable`;
  }
}
