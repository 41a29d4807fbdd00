/**
 * The session cache: one open catalog, per model version the library (loaded, or opened from the
 * on-disk segment index above DISK_INDEX_SEGMENTS), and per (model version, provider) the video
 * encoder, so the second match of a session does not reload 100k segments. Whatever changes what
 * they hold (a scan, an activation, a new model) calls `invalidate`; a commit by another process
 * (the CLI indexing the catalog the app has open) is seen through SQLite's data_version.
 */
import { existsSync } from 'node:fs';
import { EngineError } from '../../contract/errors';
import { openSearchLibrary, type Library, type LibraryOptions } from '../app/library';
import { openMatchSession, type MatchSession } from '../app/match';
import { catalogChangedUnder, catalogWriteProblem, openCatalog, openCatalogForReading, type Catalog } from '../catalog/db';
import type { ProviderRequest } from '../encoders/providers';
import { markInterruptedJobs } from '../jobs/store';
import { inputError, NeedledropError } from '../errors';
import { activeModel, loadModel, type RegistryOptions } from '../models/registry';

export class Sessions {
  private db: Catalog | null = null;
  /** Connections replaced (read-only by writable, a changed immutable read): a held library may still read them; closed with the sessions. */
  private readonly replaced: Catalog[] = [];
  private readonly matchSessions = new Map<string, Promise<MatchSession>>();
  private readonly libraries = new Map<string, Promise<Library>>();
  /** The catalog's data_version when the caches were last checked: it moves only with other connections' commits. */
  private dataVersion: number | null = null;
  /** How many running jobs use each session or library, and those dropped from the cache while in use (closed by their last user). */
  private readonly holds = new Map<Cached, number>();
  private readonly retired = new Set<Cached>();

  constructor(
    private readonly catalogPath: string,
    private readonly registry: RegistryOptions,
    private readonly log: (m: string) => void,
    /** On-disk index threshold and folder (tests lower the threshold). */
    private readonly libraryOptions: Pick<LibraryOptions, 'diskIndexAbove' | 'indexRoot'> = {},
    /** Told when another process committed to the catalog, after the caches were dropped. */
    private readonly onCommittedElsewhere: () => void = () => undefined,
  ) {}

  /**
   * Drop the caches when another process committed to the catalog since the last look (review
   * R14: tracks the CLI indexed into the catalog the app had open were listed by the Library but
   * left out of every match and playlist until a restart).
   */
  private checkOtherCommits(): void {
    if (!this.db) return;
    // An immutable read sees no commits: a catalog changed under it is opened again (and the caches go, as for a commit).
    if (catalogChangedUnder(this.db)) this.reopenForReading();
    const now = this.db.pragma('data_version', { simple: true }) as number;
    const moved = this.dataVersion !== null && now !== this.dataVersion;
    this.dataVersion = now;
    if (!moved) return;
    const stale = [...this.matchSessions.values(), ...this.libraries.values()];
    this.matchSessions.clear();
    this.libraries.clear();
    void this.retire(stale);
    this.onCommittedElsewhere();
  }

  /**
   * The catalog to write, created on first use; jobs left running by dead processes become
   * 'interrupted'. One that cannot be written is refused before any work, naming its folder or file.
   */
  catalog(): Catalog {
    if (this.db?.readonly) {
      // Opened to read when it could not be written (review R4.3): a write needs it writable now.
      const problem = catalogWriteProblem(this.catalogPath);
      if (problem !== null) throw inputError(this.catalogPath, problem);
      this.replace();
    }
    if (!this.db) {
      // openCatalog makes its folder, saying which and why when it cannot (review R4.2).
      this.opened(openCatalog(this.catalogPath));
    }
    return this.db!;
  }

  /** Whether a catalog is open or on disk. */
  hasCatalog(): boolean {
    return this.db !== null || existsSync(this.catalogPath);
  }

  /** Whether the catalog (which must exist) can be written; else it is open read-only. */
  canWrite(): boolean {
    return !this.existingCatalog().readonly;
  }

  /**
   * The catalog only if it exists: searching must not create an empty one. To read, it is opened
   * read-only when its folder or file cannot be written (review R4.3: every command failed in a
   * read-only data folder, even those that only read); `write` asks for it writable, as catalog().
   */
  existingCatalog(use: 'read' | 'write' = 'read'): Catalog {
    if (!this.db && !existsSync(this.catalogPath)) {
      throw new EngineError({
        code: 'not-indexed',
        message: `${this.catalogPath}: no catalog here: index your music first`,
        file: this.catalogPath,
      });
    }
    if (use === 'write') return this.catalog();
    if (this.db && catalogChangedUnder(this.db)) this.reopenForReading();
    if (!this.db) this.opened(openCatalogForReading(this.catalogPath));
    return this.db!;
  }

  /** Keep `db` as the catalog; a writable one marks dead processes' jobs interrupted. */
  private opened(db: Catalog): void {
    this.db = db;
    if (!db.readonly) markInterruptedJobs(db);
    this.dataVersion = db.pragma('data_version', { simple: true }) as number;
  }

  /** Drop the open connection (kept open for what may still hold it) and the caches built on it. */
  private replace(): void {
    if (this.db) this.replaced.push(this.db);
    this.db = null;
    this.dataVersion = null;
    const stale = [...this.matchSessions.values(), ...this.libraries.values()];
    this.matchSessions.clear();
    this.libraries.clear();
    void this.retire(stale);
  }

  /** An immutable read of a catalog another process changed since: read it again as it is now. */
  private reopenForReading(): void {
    this.replace();
    this.opened(openCatalogForReading(this.catalogPath));
    this.onCommittedElsewhere();
  }

  /** The library of `version`, shared by matching and curation. */
  library(version: string): Promise<Library> {
    this.checkOtherCommits();
    let lib = this.libraries.get(version);
    if (!lib) {
      lib = this.openLibrary(version);
      // A failed open must not stay cached: the next call tries again.
      lib.catch(() => this.libraries.delete(version));
      this.libraries.set(version, lib);
    }
    return lib;
  }

  /**
   * A catalog without segments for `version` because no such version exists says so, as eval and
   * activate do, rather than advising to index with it active (review S4). Checked only then: a
   * version deleted after indexing still finds similar tracks by its stored segments.
   */
  private async openLibrary(version: string): Promise<Library> {
    try {
      return await openSearchLibrary(this.existingCatalog(), version, { ...this.libraryOptions, catalogPath: this.catalogPath, log: this.log });
    } catch (err) {
      // loadModel verifies the files too: an active version deleted or changed on disk says so (review S4
      // addendum), where "embed them" would loop (an index with it active stores features only).
      if (err instanceof Error && (err as { code?: unknown }).code === 'not-indexed') await this.checkVersion(version);
      throw err;
    }
  }

  /** The version loads and verifies, or the error says why; the active one's says it is the active one (second review, S4 rest). */
  private async checkVersion(version: string): Promise<void> {
    try {
      await loadModel({ ...this.registry, version });
    } catch (err) {
      if (!(err instanceof NeedledropError && err.code === 'no-model') || (await activeModel(this.registry)) !== version) throw err;
      throw new NeedledropError('usage', `the active model "${version}" is not installed any more (its folder was removed): activate another version or roll back (see \`needledrop models list\`)`, { code: 'no-model' });
    }
  }

  match(version: string, provider: ProviderRequest): Promise<MatchSession> {
    this.checkOtherCommits();
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

  /**
   * Run `use` with the match session of (version, provider) and its library held: dropped from the
   * cache meanwhile (a scan ending, an activation), they are closed when `use` is done, not under
   * it (review R21: a match running when a scan ended failed with "Session already disposed").
   */
  async withMatch<T>(version: string, provider: ProviderRequest, use: (session: MatchSession) => Promise<T>): Promise<T> {
    const session = this.match(version, provider);
    const library = this.libraries.get(version);
    const held = library ? [session, library] : [session];
    for (const h of held) this.holds.set(h, (this.holds.get(h) ?? 0) + 1);
    try {
      return await use(await session);
    } finally {
      const free: Cached[] = [];
      for (const h of held) {
        const left = (this.holds.get(h) ?? 1) - 1;
        if (left > 0) this.holds.set(h, left);
        else {
          this.holds.delete(h);
          if (this.retired.delete(h)) free.push(h);
        }
      }
      await closeAll(free);
    }
  }

  /** Close what is no longer cached, now if no job holds it, else when its last holder is done. */
  private async retire(items: Cached[]): Promise<void> {
    const now: Cached[] = [];
    for (const item of items) {
      if (this.holds.has(item)) this.retired.add(item);
      else now.push(item);
    }
    await closeAll(now);
  }

  /** Drop loaded libraries and encoders (after a scan, an activation, a training run). */
  async invalidate(): Promise<void> {
    const libraries = [...this.libraries.values()];
    this.libraries.clear();
    const open = [...this.matchSessions.values()];
    this.matchSessions.clear();
    // Sessions first: they use the libraries.
    await this.retire([...open, ...libraries]);
  }

  async close(): Promise<void> {
    await this.invalidate();
    // The engine closes after its jobs: whatever they still held goes now.
    await closeAll([...this.retired]);
    this.retired.clear();
    this.db?.close();
    this.db = null;
    for (const db of this.replaced.splice(0)) db.close();
  }
}

type Cached = Promise<MatchSession | Library>;

/** Close opened sessions and libraries in order; one that never opened has nothing to close. */
async function closeAll(items: readonly Cached[]): Promise<void> {
  for (const s of items) {
    try {
      const opened = await s;
      await ('close' in opened ? opened.close() : opened.release());
    } catch {
      // It never opened: nothing to close.
    }
  }
}
