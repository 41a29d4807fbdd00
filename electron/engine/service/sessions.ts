/**
 * The session cache: one open catalog, per model version the library (loaded, or opened from the
 * on-disk segment index above DISK_INDEX_SEGMENTS), and per (model version, provider) the video
 * encoder, so the second match of a session does not reload 100k segments. Whatever changes what
 * they hold (a scan, an activation, a new model) calls `invalidate`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError } from '../../contract/errors';
import { openSearchLibrary, type Library, type LibraryOptions } from '../app/library';
import { openMatchSession, type MatchSession } from '../app/match';
import { openCatalog, type Catalog } from '../catalog/db';
import type { ProviderRequest } from '../encoders/providers';
import { markInterruptedJobs } from '../jobs/store';
import type { RegistryOptions } from '../models/registry';

export class Sessions {
  private db: Catalog | null = null;
  private readonly matchSessions = new Map<string, Promise<MatchSession>>();
  private readonly libraries = new Map<string, Promise<Library>>();

  constructor(
    private readonly catalogPath: string,
    private readonly registry: RegistryOptions,
    private readonly log: (m: string) => void,
    /** On-disk index threshold and folder (tests lower the threshold). */
    private readonly libraryOptions: Pick<LibraryOptions, 'diskIndexAbove' | 'indexRoot'> = {},
  ) {}

  /** The catalog, created on first use; jobs left running by dead processes become 'interrupted'. */
  catalog(): Catalog {
    if (!this.db) {
      mkdirSync(dirname(this.catalogPath), { recursive: true });
      this.db = openCatalog(this.catalogPath);
      markInterruptedJobs(this.db);
    }
    return this.db;
  }

  /** Whether a catalog is open or on disk. */
  hasCatalog(): boolean {
    return this.db !== null || existsSync(this.catalogPath);
  }

  /** The catalog only if it exists: searching must not create an empty one. */
  existingCatalog(): Catalog {
    if (!this.db && !existsSync(this.catalogPath)) {
      throw new EngineError({
        code: 'not-indexed',
        message: `${this.catalogPath}: no catalog here: index your music first`,
        file: this.catalogPath,
      });
    }
    return this.catalog();
  }

  /** The library of `version`, shared by matching and curation. */
  library(version: string): Promise<Library> {
    let lib = this.libraries.get(version);
    if (!lib) {
      lib = openSearchLibrary(this.existingCatalog(), version, { ...this.libraryOptions, catalogPath: this.catalogPath, log: this.log });
      // A failed open must not stay cached: the next call tries again.
      lib.catch(() => this.libraries.delete(version));
      this.libraries.set(version, lib);
    }
    return lib;
  }

  match(version: string, provider: ProviderRequest): Promise<MatchSession> {
    const key = `${version}\0${provider}`;
    let s = this.matchSessions.get(key);
    if (!s) {
      const db = this.existingCatalog();
      s = this.library(version).then((library) => openMatchSession(db, { version, provider, catalogPath: this.catalogPath, registry: this.registry, log: this.log, library }));
      // A failed open must not stay cached: the next call tries again.
      s.catch(() => this.matchSessions.delete(key));
      this.matchSessions.set(key, s);
    }
    return s;
  }

  /** Drop loaded libraries and encoders (after a scan, an activation, a training run). */
  async invalidate(): Promise<void> {
    const libraries = [...this.libraries.values()];
    this.libraries.clear();
    const open = [...this.matchSessions.values()];
    this.matchSessions.clear();
    // Sessions first: they use the libraries.
    for (const s of [...open, ...libraries]) {
      try {
        const opened = await s;
        await ('close' in opened ? opened.close() : opened.release());
      } catch {
        // It never opened: nothing to close.
      }
    }
  }

  async close(): Promise<void> {
    await this.invalidate();
    this.db?.close();
    this.db = null;
  }
}
