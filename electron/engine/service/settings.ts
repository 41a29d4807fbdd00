/**
 * The user's settings (library folders, provider, indexing workers, folder watching), one JSON file
 * in the data folder. Several fronts write it (the app or `serve` open, the CLI's `index` adding a
 * folder meanwhile: review R2.1), so nothing keeps its own copy for long: a read is the newest file
 * on disk, and a change is a read-modify-write of that file under a lock.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Settings } from '../../contract/types';
import { writeFileAtomic } from '../util/atomic-write';
import { withFileLock } from '../util/file-lock';

/** What settings.json holds: the settings but the watcher's state, which is the open engine's. */
export interface StoredSettings extends Omit<Settings, 'watchProblem'> {
  libraryFolders: string[];
}

const FILE = 'settings.json';

export function readSettings(dataDir: string, threads: number): StoredSettings {
  const defaults: StoredSettings = { provider: 'auto', jobs: Math.max(1, threads), watch: true, libraryFolders: [] };
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return defaults;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSettings>;
    return {
      provider: doc.provider ?? defaults.provider,
      jobs: Number.isInteger(doc.jobs) && (doc.jobs as number) > 0 ? (doc.jobs as number) : defaults.jobs,
      watch: typeof doc.watch === 'boolean' ? doc.watch : defaults.watch,
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
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(s, null, 2));
}

/** The settings file as it is on disk: re-read when it changed (written by this process or another). */
export class SettingsFile {
  private cached: { stamp: string; settings: StoredSettings } | null = null;
  /** settings.json in the data folder. */
  readonly file: string;

  constructor(
    private readonly dataDir: string,
    private readonly threads: number,
  ) {
    this.file = join(dataDir, FILE);
  }

  /** The newest settings: the same object as long as the file has not changed. */
  read(): StoredSettings {
    // Stat before reading: a write in between leaves an old stamp with new contents, re-read next time.
    const now = stamp(this.file);
    if (this.cached?.stamp !== now) this.cached = { stamp: now, settings: readSettings(this.dataDir, this.threads) };
    return this.cached.settings;
  }

  /** Change the settings from the newest on disk, one writer at a time across processes: another front's change in between is kept. */
  update(change: (s: StoredSettings) => StoredSettings): Promise<StoredSettings> {
    mkdirSync(this.dataDir, { recursive: true });
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
