/** The user's settings (library folders, provider, indexing workers, folder watching), one JSON file in the data folder. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Settings } from '../../contract/types';
import { writeFileAtomic } from '../util/atomic-write';

export interface StoredSettings extends Settings {
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
