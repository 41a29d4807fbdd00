import Database from 'better-sqlite3';
import { dirname, resolve } from 'node:path';
import { inputError } from '../errors';
import { catalogPath, dataHome } from '../paths';
import { makeFolder } from '../util/writable';
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
  if (!options.readonly) makeFolder(dirname(path), resolve(dirname(path)) === resolve(dataHome()) ? 'the data folder' : "the catalog's folder");
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw inputError(path, `cannot open catalog (${err instanceof Error ? err.message : String(err)})`, err);
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
    throw inputError(path, `not a usable catalog (${err instanceof Error ? err.message : String(err)})`, err);
  }
  return db;
}
