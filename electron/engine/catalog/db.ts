import Database from 'better-sqlite3';
import { accessSync, constants, existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { inputError } from '../errors';
import { catalogPath, dataHome } from '../paths';
import { errnoWords } from '../util/errno';
import { folderWriteProblem, makeFolder } from '../util/writable';
import { migrate } from './migrations';

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
  let db: Catalog;
  const folder = dirname(resolve(path));
  const folderName = folder === resolve(dataHome()) ? 'the data folder' : "the catalog's folder";
  if (!options.readonly) {
    makeFolder(folder, folderName);
    // SQLite opens a file it may not write read-only without a word, and the first write fails deep in a job.
    const problem = writeProblem(path, folderName);
    if (problem !== null) throw inputError(path, problem);
  }
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw inputError(path, readOnlyCause(path, folderName, err) ?? `cannot open catalog (${err instanceof Error ? err.message : String(err)})`, err);
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode; only power loss can drop the last commits.
      db.pragma('synchronous = NORMAL');
      migrate(db);
    }
  } catch (err) {
    db.close();
    throw inputError(path, readOnlyCause(path, folderName, err) ?? `not a usable catalog (${err instanceof Error ? err.message : String(err)})`, err);
  }
  return db;
}

/**
 * Why SQLite could not open or write the catalog when its folder or file cannot be written, else null.
 * A read-only data folder read "not a usable catalog (unable to open database file)", as if the catalog
 * were damaged (review R4.3): WAL mode writes catalog.sqlite-wal and -shm beside it, even to read (a
 * read-only connection too, unless both are already there), so every command needs the folder writable.
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
  if (problem !== null) return `${folderName} ${folder} is read-only (${problem}): SQLite writes ${name}-wal and ${name}-shm beside the catalog, even to read it`;
  if (!existsSync(path)) return null;
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return null;
  } catch (e) {
    return `the catalog file is read-only (${errnoWords(e)}): make it writable`;
  }
}
