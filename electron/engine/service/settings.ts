/**
 * The user's settings (library folders, provider, indexing workers, folder watching, single-key shortcuts), one JSON file
 * in the data folder. Several fronts write it (the app or `serve` open, the CLI's `index` adding a
 * folder meanwhile: review R2.1), so nothing keeps its own copy for long: a read is the newest file
 * on disk, and a change is a read-modify-write of that file under a lock.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Settings } from '../../contract/types';
import { parseRequest } from '../../contract/validate';
import { writeFileAtomic } from '../util/atomic-write';
import { withFileLock } from '../util/file-lock';
import { inputError } from '../errors';
import { folderWriteProblem, makeFolder } from '../util/writable';

/** What settings.json holds: the settings but the watcher's state, which is the open engine's. */
export interface StoredSettings extends Omit<Settings, 'watchProblem'> {
  libraryFolders: string[];
}

const FILE = 'settings.json';

/** The most indexing workers settings.set takes (its schema's count(64); a test keeps the two in step). */
export const MAX_JOBS = 64;

/** Whether settings.set would take `value` as its `key` (one schema for a change and for the file as it is read). */
export function settable(key: 'provider' | 'jobs' | 'watch', value: unknown): boolean {
  try {
    parseRequest('settings.set', { [key]: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * The settings in the data folder, checked as settings.set checks a change (review R1.11: a
 * hand-edited "provider": "gpu", "jobs": 1000 was taken as it was, and the next scan started 1000
 * workers): an unknown provider reads as auto, a worker count is clamped to 1–MAX_JOBS, a value of
 * the wrong type reads as the default. Each value replaced is said in `replaced`.
 */
export function readSettings(dataDir: string, threads: number, replaced: string[] = []): StoredSettings {
  const defaults: StoredSettings = { provider: 'auto', jobs: Math.min(MAX_JOBS, Math.max(1, threads)), watch: true, singleKeyShortcuts: true, libraryFolders: [] };
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return defaults;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const said = (key: string, value: unknown, used: unknown, why: string): void => void replaced.push(`${file}: ${key} ${JSON.stringify(value)} ${why}: using ${JSON.stringify(used)}`);
    let provider = defaults.provider;
    if (doc.provider !== undefined) {
      if (settable('provider', doc.provider)) provider = doc.provider as StoredSettings['provider'];
      else said('provider', doc.provider, provider, 'is not a provider Needledrop knows (auto, cpu, cuda, dml, coreml)');
    }
    let jobs = defaults.jobs;
    if (doc.jobs !== undefined) {
      if (settable('jobs', doc.jobs)) jobs = doc.jobs as number;
      else if (typeof doc.jobs === 'number' && Number.isFinite(doc.jobs)) {
        jobs = Math.min(MAX_JOBS, Math.max(1, Math.round(doc.jobs)));
        said('jobs', doc.jobs, jobs, `is not a worker count from 1 to ${MAX_JOBS}`);
      } else said('jobs', doc.jobs, jobs, 'is not a number of workers');
    }
    let watch = defaults.watch;
    if (doc.watch !== undefined) {
      if (typeof doc.watch === 'boolean') watch = doc.watch;
      else said('watch', doc.watch, watch, 'is not true or false');
    }
    let singleKeyShortcuts = defaults.singleKeyShortcuts;
    if (doc.singleKeyShortcuts !== undefined) {
      if (typeof doc.singleKeyShortcuts === 'boolean') singleKeyShortcuts = doc.singleKeyShortcuts;
      else said('singleKeyShortcuts', doc.singleKeyShortcuts, singleKeyShortcuts, 'is not true or false');
    }
    return {
      provider,
      jobs,
      watch,
      singleKeyShortcuts,
      libraryFolders: Array.isArray(doc.libraryFolders) ? doc.libraryFolders.filter((f): f is string => typeof f === 'string') : [],
    };
  } catch {
    // A damaged settings file must not stop the app: start from defaults (the next save rewrites it).
    return defaults;
  }
}

/** Write via a temp file and rename, so a crash never leaves half a settings file. */
export function writeSettings(dataDir: string, s: StoredSettings): void {
  const file = join(dataDir, FILE);
  makeFolder(dirname(file), 'the data folder');
  writeFileAtomic(file, JSON.stringify(s, null, 2));
}

/** The settings file as it is on disk: re-read when it changed (written by this process or another). */
export class SettingsFile {
  private cached: { stamp: string; settings: StoredSettings } | null = null;
  /** settings.json in the data folder. */
  readonly file: string;

  /** What was said of values the file holds that were replaced: each once per engine, not at every read. */
  private readonly said = new Set<string>();

  constructor(
    private readonly dataDir: string,
    private readonly threads: number,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.file = join(dataDir, FILE);
  }

  /** The newest settings: the same object as long as the file has not changed. */
  read(): StoredSettings {
    // Stat before reading: a write in between leaves an old stamp with new contents, re-read next time.
    const now = stamp(this.file);
    if (this.cached?.stamp !== now) {
      const replaced: string[] = [];
      this.cached = { stamp: now, settings: readSettings(this.dataDir, this.threads, replaced) };
      for (const note of replaced.filter((n) => !this.said.has(n))) {
        this.said.add(note);
        this.log(note);
      }
    }
    return this.cached.settings;
  }

  /** Change the settings from the newest on disk, one writer at a time across processes: another front's change in between is kept. */
  update(change: (s: StoredSettings) => StoredSettings): Promise<StoredSettings> {
    // The folder at fault and why, not "internal error: EEXIST … mkdir" or the lock's EACCES (review R4.2, R4.3).
    makeFolder(this.dataDir, 'the data folder');
    const problem = folderWriteProblem(this.dataDir);
    if (problem !== null) return Promise.reject(inputError(this.dataDir, `the data folder is read-only (${problem}): the settings cannot be saved`));
    return withFileLock(`${this.file}.lock`, 'the settings', async () => {
      this.cached = null;
      const before = this.read();
      const after = change(before);
      if (after !== before) writeSettings(this.dataDir, after);
      return this.read();
    });
  }
}

/** What a write changes (an atomic rename gives a new inode; size and mtime besides); 'none' while there is no file. */
function stamp(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return 'none';
  }
}
