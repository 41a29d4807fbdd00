/**
 * The Engine: every user operation, behind one contract. The CLI calls it in-process; the
 * message transport serves it to a worker, Electron's utilityProcess or a WebSocket. Requests
 * are validated here (whatever front sent them), long operations run as jobs, and results are
 * plain data.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, unwatchFile, watchFile } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { EngineApi } from '../../contract/api';
import { EngineError } from '../../contract/errors';
import { isJobOperation, type JobOperation, type OperationName, type ParsedRequest, type QuickOperation, type Results } from '../../contract/operations';
import type { EngineEvent, EngineInfo, FitSummary, ModelInfo, OpenedClip, SavedPlaylist, ScanReport, Settings } from '../../contract/types';
import { parseRequest } from '../../contract/validate';
import { buildPlaylistSteps, catalogTrack, resolveTrack, similar, type PlaylistRequest } from '../app/curate';
import { writeM3U } from '../playlist/m3u';
import { runPaced } from '../playlist/steps';
import { matchClip } from '../app/match';
import { readCalibration } from '../app/match-fit';
import { addFeedback, listFeedback, withdrawFeedback } from '../catalog/feedback';
import { deleteFiles, fileByPath, filesUnder, moveFile } from '../catalog/files';
import type { FileRow } from '../catalog/types';
import { getFeatures } from '../catalog/features';
import { inputError, NeedledropError } from '../errors';
import { ShotCutCache } from '../features/shot-cuts';
import { shownMetrics } from '../train/held-out';
import type { GridCache } from '../fit';
import { createPlaylist, deletePlaylist, getPlaylist, listPlaylists, renamePlaylist, replacePlaylist } from '../catalog/playlists';
import type { Catalog } from '../catalog/db';
import { getTrack, trackByPath } from '../catalog/tracks';
import { cudaProviderInstalled, providerPlan, type ProviderRequest } from '../encoders/providers';
import { finishJob, listJobs, markInterruptedJobs, startJob, updateJob } from '../jobs/store';
import { checkOutputName, checkOutputPlace, exportClipWithTrack } from '../media/export';
import { configureFfmpeg, resolveTool, toolInfo } from '../media/ffmpeg-path';
import { probe, stillImageCause } from '../media/probe';
import { activate, activeModel, cleanDeletedLeftovers, deletableVersion, deleteVersion, holdVersions, listModels, rollback } from '../models/registry';
import type { VersionUse } from '../models/in-use';
import { deleteSegmentsOf, segmentTrackCount } from '../catalog/segments';
import { diskUsage } from '../util/disk-usage';
import { loadModelVersion } from '../models/version';
import type { EngineContext } from './context';
import { registryOptions } from './context';
import { toErrorData } from './errors';
import { checkCorpusPlace } from './corpus-place';
import { checkedJudgement, judgementKeyOf } from './feedback-record';
import { JobRunner, type JobHandle } from './jobs';
import { alreadyListed, dataFolderProblem, forgetFailedUnder, normaliseFolder, queryTracks, reachedElsewhere, readFailed, scanFolders, trackDetail } from './library';
import { exportFolderFor, folderWriteProblem } from './output-folder';
import { PathGuard } from './paths-guard';
import { OUTPUT_KINDS } from './own-output';
import { reembedLibrary, tracksToReembed } from './reembed-job';
import { MusicSpaceCache, musicSpaceDir, similarCombined, spaceProgress } from './music-space';
import { cacheInfo, cachesOfJob, clearCache, usingCaches } from './cache';
import { forgetMapsOf, trackMap } from './map';
import { openClipEncoder } from '../app/clip';
import { segmentIndexDir, segmentIndexRoot } from '../app/library';
import { isUnder } from '../util/path-under';
import { FolderWatcher } from '../library/watch';
import type { DiskEntry } from '../library/scan';
import { Sessions } from './sessions';
import { SettingsFile, type StoredSettings } from './settings';
import { errorMessage } from '../util/error-message';

/** How often an open host looks at settings.json for another front's change (a stat). */
const SETTINGS_POLL_MS = 1000;

type Handlers = { [K in OperationName]: (req: ParsedRequest<K>, job: JobHandle) => Promise<Results[K]> | Results[K] };

export class Engine implements EngineApi {
  readonly ctx: EngineContext;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly jobs: JobRunner;
  private readonly sessions: Sessions;
  private readonly registry;
  private readonly settingsFile: SettingsFile;
  /** The settings last read: another object from the file means they changed (here or in another front). */
  private settingsSeen: StoredSettings | null = null;
  /** A host that stays open follows settings.json, which another front (the CLI's index) may change: its stat listener. */
  private followingSettings: (() => void) | null = null;
  /** Clips the user opened, by id: media is served by id, never by a path from the request. */
  private readonly clips = new Map<string, OpenedClip>();
  private readonly handlers: Handlers;
  private readonly guard: PathGuard;
  // Its notes (a profile cache it cannot read or write) go to the host's log; ctx is set in the constructor, before any build.
  private readonly musicSpace = new MusicSpaceCache({}, (m) => this.ctx.log(m));
  /** Opened clips' shot cuts: found once for the player, reused by a fit's hits. */
  private readonly shotCuts = new ShotCutCache();
  /** The provider onnxruntime actually started, per (model version, provider setting). */
  private readonly providersInUse = new Map<string, string>();
  private watcher: { key: string; watcher: FolderWatcher } | null = null;
  /** A scan is running (started by the user or the watcher); a change seen meanwhile waits for it. */
  private scanning = false;
  /** The job that is using TF.js (training, evaluation, the music space), one at a time. */
  private training: { op: string; jobId: string } | null = null;
  /** A re-embed of the library for a model version is running (a scan waits for it). */
  private reembedding = false;
  private rescanWanted = false;
  /** Folders the engine itself wrote this session (a corpus), whose clips a confined request may then use unopened. */
  private readonly granted = new Set<string>();
  /** Opened clips and granted folders: a confined request may read these and nothing else outside the library. */
  private openedPaths(): string[] {
    return [...[...this.clips.values()].map((c) => c.path), ...this.granted];
  }

  /**
   * A corpus folder typed on the Train screen is the user's pick, as a fine-tune's edits folder is
   * (review S8: one outside the library was refused): it may be read, and of what its manifest
   * lists, only media inside it.
   */
  private async pickedCorpus(dir: string): Promise<string> {
    const picked = this.guard.picked(dir);
    if (!this.guard.confined) return picked.dir;
    const { loadCorpus, MANIFEST_NAME } = await import('../corpus/generate');
    if (!existsSync(join(picked.dir, MANIFEST_NAME))) return picked.dir; // the workflow says there is no corpus here
    for (const pair of loadCorpus(picked.dir).pairs) for (const file of [pair.video, pair.music]) picked.inside(join(picked.dir, file));
    return picked.dir;
  }

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
    this.settingsFile = new SettingsFile(ctx.dataDir, ctx.threads, ctx.log);
    this.registry = registryOptions(ctx);
    if (ctx.ffmpeg || ctx.ffprobe) configureFfmpeg({ ...(ctx.ffmpeg ? { ffmpeg: ctx.ffmpeg } : {}), ...(ctx.ffprobe ? { ffprobe: ctx.ffprobe } : {}) });
    this.sessions = new Sessions(ctx.catalogPath, this.registry, ctx.log, ctx.diskIndexAbove !== undefined ? { diskIndexAbove: ctx.diskIndexAbove } : {}, () => {
      // Another process changed the catalog: what was derived from its tracks goes if they changed (a CLI's
      // job row or playlist leaves them: review R7.4), and the fronts hear of it.
      this.musicSpace.clearIfTracksChanged(this.sessions.existingCatalog());
      this.emit({ type: 'changed', what: 'tracks' });
    });
    this.guard = new PathGuard(ctx.confined ?? false, () => [...this.settings().libraryFolders, ctx.dataDir], { dataDir: ctx.dataDir, catalogPath: ctx.catalogPath });
    this.jobs = new JobRunner((e) => this.emit(e), Date.now, {
      // Recorded in the catalog when there is one (a training run alone does not create it).
      // The indexer records its own 'index' row for a scan. A catalog open read-only (its folder cannot be
      // written) records none: a read there works (review R4.3), a write fails itself, naming the folder.
      start: (op) => (op !== 'library.scan' && this.sessions.hasCatalog() && this.sessions.canWrite() ? startJob(this.sessions.catalog(), op) : undefined),
      finish: (row, state, info, error) => {
        if (!this.sessions.hasCatalog()) return;
        const db = this.sessions.catalog();
        updateJob(db, row, info.done, info.total);
        finishJob(db, row, state, error ? { error } : {});
      },
    }, ctx.jobPrefix);
    this.handlers = this.makeHandlers();
    // What a model version's deletion cut short left (renamed out of the listing, not yet removed).
    for (const dir of cleanDeletedLeftovers(this.registry)) ctx.log(`removed ${dir}, left by an interrupted model version deletion`);
    this.syncWatcher();
    if (ctx.watch) {
      // Polled by stat: settings.json is replaced by a rename, which a watch on the file itself would miss.
      this.followingSettings = () => void this.settings();
      watchFile(this.settingsFile.file, { interval: SETTINGS_POLL_MS, persistent: false }, this.followingSettings);
    }
    // Files added, changed or removed while the app was closed: one incremental scan on open
    // (unchanged files are skipped by size and mtime), then the watcher takes over.
    if (this.watcher && this.sessions.hasCatalog()) void this.watcher.watcher.ready.then(() => this.watchScan());
    // No opening scan (watching off, no folder): a re-embed a restart stopped resumes by itself, as that
    // scan would do it, so the library is whole for the active model again (it was left part-embedded).
    else this.reembedAfterSwitch();
  }

  // ── EngineApi ──────────────────────────────────────────────────────────────

  async call<K extends QuickOperation>(op: K, req?: unknown): Promise<Results[K]> {
    const parsed = parseRequest(op, req);
    if (isJobOperation(op as OperationName)) {
      throw new EngineError({ code: 'invalid-request', message: `${op} is a job: start it instead of calling it` });
    }
    const noJob: JobHandle = { id: 'call', signal: new AbortController().signal, progress: () => {} };
    return (await (this.handlers[op] as (r: unknown, j: JobHandle) => Promise<Results[K]>)(parsed, noJob)) as Results[K];
  }

  async start<K extends JobOperation>(op: K, req: unknown): Promise<{ jobId: string }> {
    const parsed = parseRequest(op, req);
    if (!isJobOperation(op)) throw new EngineError({ code: 'invalid-request', message: `${op} is not a job: call it` });
    const handle = this.handlers[op] as (r: unknown, j: JobHandle) => Promise<unknown>;
    // The caches it uses are leased for every process to see while it runs (cache.ts).
    const handler = (r: unknown, job: JobHandle): Promise<unknown> => usingCaches(this.ctx, cachesOfJob(op, r), () => handle(r, job));
    if (!usesTraining(op, parsed)) return { jobId: this.jobs.start(op, (job) => handler(parsed, job)) };
    // TF.js is one per process: a second run at once failed on its variable names or its backend
    // ("internal error: Variable with name infonce_logit_scale was already registered", review S13).
    if (this.training) throw new EngineError({ code: 'busy', message: `a ${this.training.op} run is in progress (job ${this.training.jobId}): start this one when it ends, or cancel that one` });
    const training = { op, jobId: '' };
    this.training = training;
    try {
      training.jobId = this.jobs.start(op, (job) => handler(parsed, job).finally(() => void (this.training === training && (this.training = null))));
    } catch (err) {
      this.training = null;
      throw err;
    }
    return { jobId: training.jobId };
  }

  async cancel(jobId: string): Promise<void> {
    this.jobs.cancel(jobId);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancel running jobs, close encoders and the catalog. */
  async close(): Promise<void> {
    // This engine's listener only: another engine of the process may follow the same file.
    if (this.followingSettings) unwatchFile(this.settingsFile.file, this.followingSettings);
    this.followingSettings = null;
    this.watcher?.watcher.close();
    this.watcher = null;
    await this.jobs.cancelAll();
    await this.sessions.close();
  }

  /** A clip opened with `clip.open`, for the media server. */
  openedClip(id: string): OpenedClip | undefined {
    return this.clips.get(id);
  }

  /** A catalogued track's file, for the media server. */
  trackFile(id: number): string | undefined {
    return getTrack(this.sessions.existingCatalog(), id)?.path;
  }

  /** A track named by catalog id, or by a path (read-checked). */
  private trackPath(ref: number | string): string {
    const path = typeof ref === 'string' ? this.guard.read(ref) : getTrack(this.sessions.existingCatalog(), ref)?.path;
    if (!path) throw new EngineError({ code: 'not-found', message: `track ${ref} is not in the catalog` });
    // A track kept while its folder is unplugged (review R24): say so, in the app as in the CLI, not "file not found".
    if (!existsSync(path) && this.sessions.hasCatalog() && trackByPath(this.sessions.existingCatalog(), path)) {
      throw new EngineError({ code: 'bad-input', file: path, message: `${path}: the file is not there now (is its drive plugged in?); the catalog keeps its track until it is back` });
    }
    return path;
  }

  /** The catalog's stored beats of a track, so a fit need not track the tempo again. */
  private knownBeats(path: string): { bpm: number; beats: number[] } | undefined {
    if (!this.sessions.hasCatalog()) return undefined;
    const s = trackByPath(this.sessions.existingCatalog(), path)?.summary;
    return s && typeof s.bpm === 'number' && Array.isArray(s.beats) && s.beats.length > 8 ? { bpm: s.bpm, beats: s.beats } : undefined;
  }

  /** Analysed tracks kept between a fit, the user's edits of it and its export (made with the fit module). */
  private fitGrids: GridCache | null = null;
  private async grids(): Promise<GridCache> {
    const { GridCache } = await import('../fit');
    this.fitGrids ??= new GridCache();
    return this.fitGrids;
  }

  /** What a fit and an export-with-fit share: the clip and track, the stored beats, the caches, the user's plan. */
  private async fitInputs(
    clip: string,
    track: string,
    req: Pick<ParsedRequest<'fit'>, 'offset' | 'hits' | 'plan'>,
    job: JobHandle,
    stages: string[],
    total: number,
  ) {
    return {
      clip,
      track,
      ...(req.offset !== undefined ? { offset: req.offset } : {}),
      hits: req.hits ?? false,
      known: this.knownBeats(track),
      grids: await this.grids(),
      shotCuts: this.shotCuts,
      ...(req.plan ? { plan: req.plan } : {}),
      signal: job.signal,
      onStage: (s: string) => job.progress('fit', stages.indexOf(s), total),
    };
  }

  private emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // One broken listener must not stop the others or the job.
      }
    }
  }

  /**
   * The newest settings on disk (review R2.1: an open app kept its own copy, so a folder the CLI's
   * index added was never listed, and its next settings write dropped it). A change, by this engine
   * or another front, is announced and the folder watcher follows it.
   */
  private settings(): StoredSettings {
    const s = this.settingsFile.read();
    const before = this.settingsSeen;
    this.settingsSeen = s;
    if (before !== null && before !== s && JSON.stringify(before) !== JSON.stringify(s)) {
      queueMicrotask(() => {
        this.emit({ type: 'changed', what: 'settings' });
        this.syncWatcher();
      });
    }
    return s;
  }

  /** A read-modify-write of the settings file under its lock, from what is on disk now (another front may have written it). */
  private async updateSettings(change: (s: StoredSettings) => StoredSettings): Promise<StoredSettings> {
    await this.settingsFile.update(change);
    return this.settings();
  }

  /** Watch the library folders while the host allows it and the setting is on; re-made when the folders change. */
  private syncWatcher(): void {
    if (!this.ctx.watch) return;
    const s = this.settings();
    const key = s.watch ? s.libraryFolders.join('\0') : '';
    if ((this.watcher?.key ?? '') === key) return;
    this.watcher?.watcher.close();
    this.watcher = null;
    if (!key) return;
    const opts = typeof this.ctx.watch === 'object' ? this.ctx.watch : {};
    // A fallback to the periodic look is shown with the settings (Library, Settings): the log goes nowhere in `serve`.
    const onProblem = (): void => this.emit({ type: 'changed', what: 'settings' });
    this.watcher = { key, watcher: new FolderWatcher(s.libraryFolders, () => this.watchScan(), { log: this.ctx.log, onProblem, dataFolder: this.ctx.dataDir, ...opts }) };
  }

  /** An incremental scan for what the watcher saw, as an ordinary job (its events drive the Library screen). */
  private watchScan(): void {
    if (this.scanning || this.reembedding) {
      this.rescanWanted = true;
      return;
    }
    this.start('library.scan', {}).catch((err: unknown) => this.ctx.log(`watch: scan not started: ${errorMessage(err)}`));
  }

  /**
   * The app's engine (one that watches folders) keeps the served music space current: after a scan,
   * tracks without a production signature get one in a background job (a no-op when none lacks it).
   * A one-shot engine (the CLI's `index`) leaves that to `musicSpace.update`.
   */
  private signaturesAfterScan(): void {
    if (!this.ctx.watch || this.jobs.list().some((j) => j.op === 'musicSpace.update' && j.state === 'running')) return;
    this.start('musicSpace.update', { signaturesOnly: true }).catch((err: unknown) => this.ctx.log(`music space: signatures not started: ${errorMessage(err)}`));
  }

  /** Resolves once the folder watcher (if any) has its first snapshot: changes after this are seen. */
  async watching(): Promise<boolean> {
    if (!this.watcher) return false;
    await this.watcher.watcher.ready;
    return true;
  }

  /**
   * A training run that writes the model version folder `dir`: the models changed when it
   * succeeded, or failed after writing the folder (its activation, say). A run refused before it
   * wrote anything (a bad request, no judgements to fine-tune on, a cancel) changed nothing, and
   * says nothing: screens would reload for no change (review S12.5).
   */
  private async writingVersion<T>(dir: string, run: () => Promise<T>): Promise<T> {
    const existed = existsSync(dir);
    let ok = false;
    try {
      const result = await run();
      ok = true;
      return result;
    } finally {
      if (ok || (!existed && existsSync(dir))) await this.changed('models');
    }
  }

  private async changed(what: 'tracks' | 'models' | 'playlists' | 'feedback'): Promise<void> {
    // A scan that found nothing new (the watcher's look, the opening scan) keeps the music space (review R7.4).
    if (what === 'tracks') void (this.sessions.hasCatalog() ? this.musicSpace.clearIfTracksChanged(this.sessions.existingCatalog()) : this.musicSpace.clear());
    if (what === 'tracks' || what === 'models') await this.sessions.invalidate();
    this.emit({ type: 'changed', what });
    if (what === 'models') this.reembedAfterSwitch();
  }

  /**
   * The app's engine makes a newly active model usable at once (review S7: after Activate, Match said
   * "add a music folder and scan it"): tracks without segments under it are re-embedded from their
   * stored features in a background job. A one-shot engine (the CLI) runs `library.reembed` itself.
   */
  private reembedAfterSwitch(): void {
    if (!this.ctx.watch || this.scanning || this.reembedding || !this.sessions.hasCatalog()) return;
    const catalog = this.sessions.catalog();
    activeModel(this.registry)
      .then((version) => (tracksToReembed(catalog, version) > 0 ? this.start('library.reembed', { model: version }) : undefined))
      .catch((err: unknown) => this.ctx.log(`re-embedding not started: ${errorMessage(err)}`));
  }

  /** Run `body` with `uses` marked in use (a delete of one of them is refused meanwhile, from any process). */
  private async holding<T>(uses: VersionUse[], body: () => Promise<T>): Promise<T> {
    // A data folder the lease cannot be written in (read-only) is one no delete can lock or rename in
    // either: the job runs without one, and says itself what it cannot write (its own checks, review S15).
    const release = await holdVersions(uses, this.registry).catch((err: unknown) => {
      // Another run writing the same version name is a refusal, not a folder the lease cannot be written in.
      if (err instanceof NeedledropError && err.code === 'busy') throw err;
      return () => {};
    });
    try {
      return await body();
    } finally {
      release();
    }
  }

  private async version(requested?: string): Promise<string> {
    return requested ?? (await activeModel(this.registry));
  }

  private async models(): Promise<{ active: string; models: ModelInfo[] }> {
    const [entries, active] = [await listModels(this.registry), await activeModel(this.registry)];
    // A version whose encoder files no longer match its model.json is unusable, listed as such (activate
    // refuses it; a list that showed it as ordinary left users with "index with it active", review S4).
    await Promise.all(entries.filter((e) => !e.problem).map((e) => loadModelVersion(e.dir).catch((err: unknown) => void (e.problem = errorMessage(err)))));
    // What a match with the version will read: a calibration file it cannot use reads as none (the session does the same).
    const fits = await Promise.all(entries.map((e) => readCalibration(e.dir).then((c) => (c ? ('calibrated' as const) : ('library' as const)), () => 'library' as const)));
    // Shipped first, then the user's in the order they were made (by name, cc10 came before cc2; review S12.17).
    const made = (e: (typeof entries)[number]): number => {
      const t = Date.parse(e.manifest?.createdAt ?? '');
      return e.source === 'shipped' ? -1 : Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
    };
    const order = entries.map((_, i) => i).sort((a, b) => made(entries[a]) - made(entries[b]) || a - b);
    return {
      active,
      models: order.map((i) => [entries[i], fits[i]] as const).map(([e, fit]) => ({
        version: e.version,
        source: e.source,
        active: e.active,
        loss: e.manifest?.loss ?? null,
        createdAt: e.manifest?.createdAt ?? null,
        parent: e.manifest?.parent ?? null,
        // A parent deleted since reads as such, not as a version that is there.
        ...(e.manifest?.parent && !entries.some((p) => p.version === e.manifest?.parent) ? { parentDeleted: true as const } : {}),
        // A fine-tune saved before the held-out rule reads as one saved now (train/held-out.ts).
        metrics: e.manifest ? shownMetrics(e.manifest) : {},
        // An unusable version gives no match, so no fit either (review R4.4: --json read "calibrated" beside its problem).
        fit: e.problem ? null : fit,
        ...(e.problem ? { problem: e.problem } : {}),
      })),
    };
  }

  private info(): EngineInfo {
    let ffmpeg: EngineInfo['ffmpeg'];
    try {
      const f = toolInfo('ffmpeg');
      const p = toolInfo('ffprobe');
      ffmpeg = { ffmpeg: f.path, ffprobe: p.path, source: f.source };
    } catch (err) {
      ffmpeg = { ffmpeg: null, ffprobe: null, source: null, problem: errorMessage(err) };
    }
    const s = this.settings();
    return {
      appVersion: this.ctx.appVersion,
      dataDir: this.ctx.dataDir,
      catalog: this.ctx.catalogPath,
      activeModel: '',
      ffmpeg,
      providers: providerPlan('auto', process.platform, cudaProviderInstalled()),
      provider: s.provider,
      providerInUse: null,
      threads: this.ctx.threads,
      libraryFolders: s.libraryFolders,
    };
  }

  /**
   * The provider the encoder session really runs on under the current setting (auto → cpu on a
   * machine without a GPU provider): known from the last match, else found by opening the
   * active model's video encoder once. Null when no model opens (the info must still answer).
   */
  private async providerInUse(version: string): Promise<string | null> {
    const provider = this.settings().provider;
    const key = `${version}\0${provider}`;
    const known = this.providersInUse.get(key);
    if (known) return known;
    try {
      const encoder = await openClipEncoder({ version, provider, registry: this.registry, log: this.ctx.log });
      await encoder.close();
      this.providersInUse.set(key, encoder.provider);
      return encoder.provider;
    } catch (err) {
      // A model unusable on disk (missing, garbled, changed: an input or usage error) is said by whatever uses it
      // (index's "features only", match, models list); logged here too it printed the same cause twice, under
      // this handler's internal name (review R4.4). Anything else is logged.
      if (!(err instanceof NeedledropError && (err.kind === 'input' || err.kind === 'usage'))) {
        this.ctx.log(`could not open model ${version} to find the provider in use: ${errorMessage(err)}`);
      }
      return null;
    }
  }

  /**
   * Catalogued files under `folder`: those removing it would drop, and how many stay because another
   * library folder holds them too (its next scan would only bring them back, without their playlists).
   * A parent forgotten takes the library folders inside it (their tracks go with it).
   */
  private tracksUnderFolder(folder: string): { drop: FileRow[]; keep: number; keptUnder: string[]; others: string[] } {
    if (!this.sessions.hasCatalog()) return { drop: [], keep: 0, keptUnder: [], others: [] };
    const others = this.settings().libraryFolders.filter((f) => !isUnder(f, folder));
    const under = filesUnder(this.sessions.existingCatalog(), [folder]);
    const drop = under.filter((r) => !others.some((o) => isUnder(r.path, o)));
    const keptUnder = others.filter((o) => under.some((r) => isUnder(r.path, o)));
    return { drop, keep: under.length - drop.length, keptUnder, others };
  }

  /** What forgetting `folder` does: `drop` goes, `relink` stays at a path another library folder reaches the file by (reachedElsewhere). */
  private async forgetPlan(folder: string): Promise<{ drop: FileRow[]; relink: Array<{ row: FileRow; entry: DiskEntry }>; keep: number; keptUnder: string[] }> {
    const { drop, keep, keptUnder, others } = this.tracksUnderFolder(folder);
    const relink = drop.length === 0 ? [] : await reachedElsewhere(this.sessions.existingCatalog(), others, drop);
    const moving = new Set(relink.map((m) => m.row.id));
    return { drop: drop.filter((r) => !moving.has(r.id)), relink, keep, keptUnder };
  }

  private makeHandlers(): Handlers {
    // To read: the catalog (read-only when it cannot be written), or a new empty one.
    const db = () => (this.sessions.hasCatalog() ? this.sessions.existingCatalog() : this.sessions.catalog());
    const curated = async (model?: string): Promise<{ lib: Awaited<ReturnType<Sessions['library']>> }> => ({ lib: await this.sessions.library(await this.version(model)) });
    const ref = (r: number | string): string => (typeof r === 'number' ? String(r) : r);
    // A track named in a request, from the catalog alone (review R7.2). One it does not know is described by what
    // is at its path (curate.ts): for a confined front only where it may read, else the guard's refusal, as for any path it sends.
    const known = (r: number | string, version: string): void => {
      try {
        catalogTrack(this.sessions.existingCatalog(), ref(r), version);
      } catch (err) {
        if (typeof r === 'string' && err instanceof NeedledropError && err.code === 'not-found') this.guard.read(r);
        throw err;
      }
    };
    return {
      'engine.info': async () => {
        const active = await activeModel(this.registry);
        return { ...this.info(), activeModel: active, providerInUse: await this.providerInUse(active) };
      },
      'library.folders': () => this.settings().libraryFolders,
      'library.addFolder': async ({ path }) => {
        const folder = normaliseFolder(this.guard.chosen(path));
        const inData = dataFolderProblem(folder, this.ctx.dataDir);
        if (inData) throw new EngineError({ code: 'bad-input', file: folder, message: inData });
        const s = await this.updateSettings((s) => {
          const already = alreadyListed(folder, s.libraryFolders);
          if (already?.why === 'link') throw new EngineError({ code: 'exists', message: `${folder} is already in the library as ${already.as} (the same folder through a symbolic link)` });
          if (already?.why === 'inside') throw new EngineError({ code: 'exists', message: `${folder} is inside ${already.as}, already a library folder: it is scanned and watched with it` });
          return already ? s : { ...s, libraryFolders: [...s.libraryFolders, folder] };
        });
        return s.libraryFolders;
      },
      'library.removeFolder': async ({ path, dropTracks }) => {
        // Not normaliseFolder: the folder may be gone (an unplugged drive), and its tracks still go when asked to.
        const abs = resolve(path);
        // Only a drop looks for other paths to the files (a walk of the other library folders).
        let { drop, relink, keep } = dropTracks ? await this.forgetPlan(abs) : { ...this.tracksUnderFolder(abs), relink: [] };
        if (dropTracks && drop.length + relink.length > 0) {
          const db = this.sessions.catalog();
          ({ drop, relink, keep } = db
            .transaction(() => {
              // Checked in the write transaction that deletes: a scan claiming the catalog meanwhile waits for it.
              markInterruptedJobs(db);
              if (this.scanning || this.reembedding || listJobs(db, 'index').some((j) => j.state === 'running')) {
                throw new EngineError({ code: 'busy', message: `a scan of the catalog is running: remove ${abs} with its tracks when the scan has finished` });
              }
              const under = this.tracksUnderFolder(abs);
              // The walk for other paths ran before the transaction: a file it found keeps its track if it is still to go and its new path still free.
              const going = new Set(under.drop.map((r) => r.id));
              const moves = relink.filter((m) => going.has(m.row.id) && fileByPath(db, m.entry.path) === undefined);
              for (const { row, entry } of moves) moveFile(db, row.id, entry);
              const moved = new Set(moves.map((m) => m.row.id));
              const dropped = under.drop.filter((r) => !moved.has(r.id));
              deleteFiles(db, dropped.map((r) => r.id));
              return { drop: dropped, relink: moves, keep: under.keep };
            })
            .immediate());
        }
        // Dropping its tracks unlists the library folders inside it too: their next scan would only bring them back.
        await this.updateSettings((s) => {
          const unlisted = s.libraryFolders.filter((f) => f === abs || (dropTracks === true && isUnder(f, abs)));
          return unlisted.length > 0 ? { ...s, libraryFolders: s.libraryFolders.filter((f) => !unlisted.includes(f)) } : s;
        });
        const forgot = dropTracks === true && forgetFailedUnder(this.ctx.dataDir, abs);
        if (dropTracks && drop.length + relink.length > 0) await this.changed('tracks');
        else if (forgot) this.emit({ type: 'changed', what: 'tracks' });
        return {
          folders: this.settings().libraryFolders,
          dropped: dropTracks ? drop.length : 0,
          kept: dropTracks ? keep : keep + drop.length,
          moved: dropTracks ? relink.map((m) => ({ path: m.row.path, to: m.entry.path })) : [],
        };
      },
      'library.folderTracks': async ({ path }) => {
        const { drop, relink, keep, keptUnder } = await this.forgetPlan(resolve(path));
        return { tracks: drop.length, kept: keep, keptUnder, moved: relink.map((m) => ({ path: m.row.path, to: m.entry.path })) };
      },
      'tracks.list': async (q) => queryTracks(db(), await this.version(), q ?? {}, this.settings().libraryFolders),
      'tracks.failed': () => readFailed(this.ctx.dataDir),
      'tracks.detail': async ({ id }) => trackDetail(db(), await this.version(), id, this.settings().libraryFolders),
      'clip.open': async ({ path, id }) => {
        // Opening a clip is the user's choice (a dialog, a drop): it is what later reads may name.
        const file = this.guard.chosen(path);
        const info = await probe(file);
        const video = info.streams.find((s) => s.type === 'video' && !s.attachedPic);
        // Refused here, not at Find music: a clip is a picture to score (review R11).
        if (!video) throw new EngineError({ code: 'bad-input', file, message: `${file}: has no video stream: open a video clip to find music for it (music files belong in the library)` });
        // A PNG or JPEG is read as a one-frame video: refused as what it is (match and fit say the same).
        const still = stillImageCause(info);
        if (still) throw new EngineError({ code: 'bad-input', file, message: `${file}: ${still}` });
        // A clip on a read-only card gets a default export place that can be written (said now, not after an encode).
        const exportTo = exportFolderFor(file);
        const clip: OpenedClip = {
          id: id ?? randomUUID(),
          path: file,
          duration: info.duration,
          // The picture as it is shown: a phone's portrait clip is coded 1280×720 and turned 90° (review R2.7).
          ...shownSize(video),
          hasAudio: info.streams.some((s) => s.type === 'audio'),
          fps: video?.fps ?? null,
          exportFolder: exportTo.folder,
          exportFolderNote: exportTo.note,
        };
        this.clips.set(clip.id, clip);
        return clip;
      },
      'output.check': ({ path, clip, track }) => {
        let out: string;
        try {
          out = this.guard.write(path);
        } catch (err) {
          return { path, problem: errorMessage(err) };
        }
        const dir = dirname(resolve(out));
        const problem = folderWriteProblem(dir);
        if (problem !== null) return { path: out, problem: `cannot write in ${dir} (${problem}): choose another folder` };
        // Export's own rules, by the functions export applies (review R2.16: a .txt, a folder or the clip itself passed here).
        const inputs = [...(clip !== undefined ? [this.guard.read(clip, this.openedPaths())] : []), ...(track !== undefined ? [this.trackPath(track)] : [])];
        try {
          checkOutputName(out, inputs);
          checkOutputPlace(resolve(out), out);
        } catch (err) {
          if (!(err instanceof NeedledropError)) throw err;
          return { path: out, problem: err.message };
        }
        return { path: out, problem: null };
      },
      'media.resolve': ({ kind, id }) => {
        const path = kind === 'track' ? (typeof id === 'number' ? this.trackFile(id) : undefined) : typeof id === 'string' ? this.openedClip(id)?.path : undefined;
        if (!path) throw new EngineError({ code: 'not-found', message: `no ${kind} with id ${id}` });
        return { path };
      },
      'settings.get': (): Settings => {
        const { provider, jobs, watch, singleKeyShortcuts } = this.settings();
        return { provider, jobs, watch, singleKeyShortcuts, watchProblem: this.watcher?.watcher.problem ?? null };
      },
      'settings.set': async (req): Promise<Settings> => {
        const s = await this.updateSettings((s) => ({ ...s, ...(req.provider ? { provider: req.provider } : {}), ...(req.jobs ? { jobs: req.jobs } : {}), ...(req.watch !== undefined ? { watch: req.watch } : {}), ...(req.singleKeyShortcuts !== undefined ? { singleKeyShortcuts: req.singleKeyShortcuts } : {}) }));
        if (req.provider) await this.sessions.invalidate();
        const { provider, jobs, watch, singleKeyShortcuts } = s;
        return { provider, jobs, watch, singleKeyShortcuts, watchProblem: this.watcher?.watcher.problem ?? null };
      },
      'cache.info': () => cacheInfo(this.ctx),
      'cache.clear': async ({ name }) => {
        // Refused while a job of any process uses it (cache.ts). An open library maps the index's
        // files: closed first; the next match rebuilds the index.
        await clearCache(this.ctx, name, async () => {
          if (name === 'segment-index') await this.sessions.invalidate();
        });
        if (name === 'music-space-vectors' || name === 'production-signatures') this.musicSpace.clear();
        return cacheInfo(this.ctx);
      },
      'library.map': async (req, job) => trackMap((await curated(req?.model)).lib, this.ctx.dataDir, this.musicSpace, job),
      similar: async ({ track, top, model, space }) => {
        // The track from the catalog alone first (review R7.2): an unknown one is refused before the library opens.
        known(track, await this.version(model));
        const { lib } = await curated(model);
        if (space !== 'combined') return similar(lib, ref(track), top ?? 10);
        return similarCombined(lib, this.ctx.dataDir, this.musicSpace, resolveTrack(lib, ref(track)), top ?? 10);
      },
      'musicSpace.update': async (req, job) => {
        const { updateMusicSpace, updateProductionSignatures } = await import('../similarity/music-space');
        if (req?.signaturesOnly) {
          const p = await updateProductionSignatures(this.sessions.existingCatalog(), musicSpaceDir(this.ctx.dataDir), {
            signal: job.signal,
            onProgress: (done, total) => job.progress('production', done, total),
          });
          // Each track left without one named with its cause, as the scan names its skipped files (review R2.5).
          return { kind: 'descriptor-stats', tracks: p.tracks, detail: `production signatures: ${p.computed} computed, ${p.failed.length} without one`, withoutSignature: p.failed };
        }
        const r = await updateMusicSpace(this.sessions.existingCatalog(), musicSpaceDir(this.ctx.dataDir), {
          signal: job.signal,
          ...(req?.force ? { forceTrain: true } : {}),
          onProgress: (p) => job.progress(p.phase, p.done, p.total, p.loss !== undefined ? { metrics: { loss: p.loss } } : {}),
        });
        return r.kind === 'learned'
          ? { kind: 'learned', tracks: r.tracks, detail: `trained: ${r.trained}, ${r.embedded} tracks embedded` }
          : { kind: 'descriptor-stats', tracks: r.tracks, detail: r.reason };
      },
      'playlist.build': async (req, job) => {
        // The seeds and ends from the catalog alone first (review R7.2): an unknown one is refused before the
        // library opens and the music space is built (minutes for a large library's first build).
        const version = await this.version(req.model);
        const named = req.kind === 'more-like' ? (req.seeds ?? []) : req.kind === 'mood-path' ? [req.from, req.to] : [];
        for (const r of named) if (r !== undefined) known(r, version);
        const { lib } = await curated(req.model);
        let pr: PlaylistRequest;
        if (req.kind === 'more-like') {
          if (!req.seeds) throw new EngineError({ code: 'invalid-request', message: 'playlist.build: more-like needs "seeds"' });
          pr = { kind: 'more-like', seeds: req.seeds.map(ref) };
        } else if (req.kind === 'mood-path') {
          if (req.from === undefined || req.to === undefined) throw new EngineError({ code: 'invalid-request', message: 'playlist.build: mood-path needs "from" and "to"' });
          pr = { kind: 'mood-path', from: ref(req.from), to: ref(req.to) };
        } else {
          if (!req.curve) throw new EngineError({ code: 'invalid-request', message: 'playlist.build: energy needs "curve"' });
          pr = { kind: 'energy', curve: req.curve };
        }
        // Playlists rank by the combined space (SPACE_WEIGHTS[kind]) unless the mood space alone is asked for.
        // Said first: the combined space of a large library takes a while the first time (the map's phase too);
        // a first build then counts its tracks profiled, then the re-ranking's steps, each a phase of its own
        // (spaceProgress), and stops between two tracks on cancel.
        const progress = req.space === 'mood' ? null : spaceProgress(job);
        const space = progress ? await this.musicSpace.space(lib, this.ctx.dataDir, req.kind, progress.control) : lib.store;
        progress?.end();
        // A job (review R2.10): a pick or a round at a time, with progress and cancel between them, while
        // the engine answers the screens' other calls; the tracks are buildPlaylist's.
        return runPaced(buildPlaylistSteps(lib, pr, req.length, req.name, space, { atMost: req.atMost ?? false }), {
          signal: job.signal,
          onStep: (s) => job.progress(s.phase, s.done, s.total),
        });
      },
      'playlist.save': async ({ name, trackIds, params, id: into }) => {
        const catalog = this.sessions.existingCatalog('write');
        for (const id of trackIds) if (!getTrack(catalog, id)) throw new EngineError({ code: 'not-found', message: `track ${id} is not in the catalog` });
        let id: number;
        if (into === undefined) id = createPlaylist(catalog, name, trackIds, params ?? {});
        else if (replacePlaylist(catalog, into, name, trackIds, params ?? {})) id = into;
        else throw noPlaylist(into);
        await this.changed('playlists');
        return { id };
      },
      'playlist.list': () => listPlaylists(this.sessions.existingCatalog()),
      'playlist.get': ({ id }) => {
        const p = getPlaylist(this.sessions.existingCatalog(), id);
        if (!p) throw noPlaylist(id);
        return { ...p, length: p.trackIds.length };
      },
      'playlist.rename': async ({ id, name }) => {
        const catalog = this.sessions.existingCatalog('write');
        if (!renamePlaylist(catalog, id, name.trim())) throw noPlaylist(id);
        await this.changed('playlists');
        return savedPlaylist(catalog, id);
      },
      'playlist.delete': async ({ id }) => {
        const catalog = this.sessions.existingCatalog('write');
        const was = savedPlaylist(catalog, id);
        deletePlaylist(catalog, id);
        await this.changed('playlists');
        return was;
      },
      'playlist.m3u': async ({ trackIds, out, force }) => {
        const { lib } = await curated();
        const tracks = trackIds.map((id) => lib.view(id));
        const path = this.guard.write(out);
        await this.guard.replace(path, force, OUTPUT_KINDS.m3u);
        // The one M3U writer (playlist/m3u.ts), given the tracks as every front shows them.
        await writeM3U(tracks, path, force ?? false);
        return { out: path, tracks: tracks.length };
      },
      'feedback.record': async (f) => {
        const catalog = this.sessions.existingCatalog('write');
        // A confined front judges only clips it opened or ones under the library and data folders.
        const id = addFeedback(catalog, await checkedJudgement(catalog, this.guard.read(f.clip, this.openedPaths()), f));
        await this.changed('feedback');
        return { id };
      },
      'feedback.withdraw': async (f) => {
        const catalog = this.sessions.existingCatalog('write');
        const withdrawn = withdrawFeedback(catalog, await judgementKeyOf(this.guard.read(f.clip, this.openedPaths()), f));
        if (withdrawn) await this.changed('feedback');
        return { withdrawn };
      },
      'feedback.list': () => listFeedback(this.sessions.existingCatalog()),
      'models.list': () => this.models(),
      'models.activate': async ({ version }) => {
        const r = await activate(version, this.registry);
        await this.changed('models');
        return r;
      },
      'models.rollback': async () => {
        const r = await rollback(this.registry);
        await this.changed('models');
        return r;
      },
      'models.delete': async ({ version, dryRun }) => {
        const found = await deletableVersion(version, this.registry);
        // Its segments go with it: a catalog that cannot be written is refused before the folder goes.
        const catalog = this.sessions.hasCatalog() ? this.sessions.existingCatalog(dryRun ? 'read' : 'write') : null;
        const said = { version, dir: found.dir, bytes: diskUsage(found.dir).bytes, createdAt: found.manifest?.createdAt ?? null, children: found.children };
        if (dryRun) return { ...said, segmentTracks: catalog ? segmentTrackCount(catalog, version) : 0, deleted: false };
        // Its encoders may be open in a session (a match with it): closed before its files go.
        await this.sessions.invalidate();
        await deleteVersion(version, this.registry);
        // A later version of the same name must not find this one's segments as its own, nor what was
        // derived from them (the on-disk segment index and the map are keyed by the version's name).
        const segmentTracks = catalog ? deleteSegmentsOf(catalog, version) : 0;
        rmSync(segmentIndexDir(segmentIndexRoot(this.ctx.catalogPath), version), { recursive: true, force: true });
        forgetMapsOf(this.ctx.dataDir, version);
        await this.changed('models');
        return { ...said, segmentTracks, deleted: true };
      },
      'jobs.list': () => {
        const live = this.jobs.list();
        // Jobs of earlier processes (recorded by the indexer), e.g. ones a crash left 'interrupted'.
        const recorded = listJobs(db()).map((j) => ({
          id: `catalog-${j.id}`,
          op: j.kind,
          state: j.state,
          startedAt: j.startedAt,
          finishedAt: j.finishedAt,
          done: j.done,
          total: j.total,
          ...(j.error ? { error: j.error } : {}),
        }));
        return [...recorded, ...live];
      },
      'losses.list': async () =>
        // The catalog, not the registry: listing the losses loads no TF.js (the Train screen asks on opening).
        (await import('../metric/losses/catalog')).LOSS_INFOS.map((l) => ({ name: l.name, family: l.family, summary: l.summary, defaults: { ...l.defaults }, needsClassLabels: l.capabilities.needsClassLabels })),
      'library.scan': async (req, job) => {
        const s = this.settings();
        const folders = req?.folders ? req.folders.map((f) => normaliseFolder(this.guard.read(f))) : s.libraryFolders;
        // One clear error up front rather than one per file from the workers.
        resolveTool('ffmpeg');
        resolveTool('ffprobe');
        if (this.reembedding) throw new EngineError({ code: 'busy', message: 'the library is being re-embedded for the active model: scan when that job ends (or cancel it)' });
        this.scanning = true;
        let report: ScanReport | undefined;
        try {
          report = await scanFolders(this.sessions.catalog(), this.ctx.dataDir, folders, { jobs: req?.jobs ?? s.jobs, registry: this.registry }, job);
          return report;
        } finally {
          this.scanning = false;
          await this.changed('tracks');
          if (this.rescanWanted) {
            this.rescanWanted = false;
            setImmediate(() => this.watchScan());
          } else if (report && !report.cancelled) {
            this.signaturesAfterScan();
          }
          // A model activated while the scan ran: its tracks were embedded with the one active at the start.
          this.reembedAfterSwitch();
        }
      },
      'library.reembed': async (req, job) => {
        if (this.scanning || this.reembedding) throw new EngineError({ code: 'busy', message: 'a scan or a re-embed of the catalog is running: re-embed when it ends' });
        const version = await this.version(req.model);
        this.reembedding = true;
        try {
          return await this.holding([{ version, why: 're-embedding the library with it' }], () => reembedLibrary(this.sessions.existingCatalog('write'), version, this.registry, job));
        } finally {
          this.reembedding = false;
          await this.changed('tracks');
          if (this.rescanWanted) {
            this.rescanWanted = false;
            setImmediate(() => this.watchScan());
          }
        }
      },
      match: async (req, job) => {
        const version = await this.version(req.model);
        const provider: ProviderRequest = req.provider ?? this.settings().provider;
        for (const file of req.clips) this.guard.read(file, this.openedPaths());
        return this.sessions.withMatch(version, provider, async (session) => {
          this.providersInUse.set(`${version}\0${provider}`, session.provider);
          const { store } = session.library;
          const clips = [];
          const failed: Array<{ file: string; error: string; cause: NeedledropError }> = [];
          for (const [i, file] of req.clips.entries()) {
            job.progress('match', i, req.clips.length, { item: file });
            try {
              clips.push(
                await matchClip(session, resolve(file), {
                  range: { ...(req.start !== undefined ? { start: req.start } : {}), ...(req.end !== undefined ? { end: req.end } : {}) },
                  topK: req.top ?? 10,
                  sections: req.sections ? (req.minSection !== undefined ? { minSeconds: req.minSection } : true) : false,
                  allowRepeats: req.allowRepeats ?? false,
                  ...(req.tempTrack ? { tempTrack: { profile: (signal) => this.musicSpace.profileVectors(session.library, this.ctx.dataDir, signal ? { signal } : {}) } } : {}),
                  signal: job.signal,
                  // The player's markers and the match count one detection of the clip's cuts.
                  shotCuts: this.shotCuts,
                  onIndexProgress: (p) => job.progress('index', p.done, p.total),
                }),
              );
            } catch (err) {
              // One unreadable clip of a batch fails alone (review R36); a lone clip's failure is the job's.
              if (!(err instanceof NeedledropError && err.kind === 'input') || req.clips.length === 1) throw err;
              failed.push({ file: resolve(file), error: err.message, cause: err });
            }
          }
          if (clips.length === 0 && failed.length > 0) throw failed[0].cause;
          job.progress('match', req.clips.length, req.clips.length);
          return {
            model: session.version,
            provider: session.provider,
            tracks: store.trackCount,
            segments: store.segmentCount,
            missing: session.library.missing,
            clips,
            ...(failed.length ? { failed: failed.map(({ file, error }) => ({ file, error })) } : {}),
          };
        });
      },
      export: async (req, job) => {
        const track = this.trackPath(req.track);
        const clip = this.guard.read(req.clip, this.openedPaths());
        const out = this.guard.write(req.out);
        await this.guard.replace(out, req.force, OUTPUT_KINDS.video);
        // Said before the fit is analysed and rendered, not when the encode finally opens its file.
        const outDir = dirname(resolve(out));
        const problem = existsSync(outDir) ? folderWriteProblem(outDir) : null;
        if (problem !== null) throw inputError(req.out, `cannot write in ${outDir} (${problem})`);
        const common = { clip, out, ...(req.loudness !== undefined ? { loudness: req.loudness } : {}), force: req.force ?? false, signal: job.signal };
        // An edited plan is a fit: rendered as it is.
        if (!req.fit && !req.plan) {
          job.progress('export', 0, 1);
          // With an Out point the track is heard from start to end only (review R2.13: it ran over the whole clip).
          const r = await exportClipWithTrack({ ...common, track, ...(req.offset !== undefined ? { offset: req.offset } : {}), ...(req.start !== undefined ? { start: req.start } : {}), ...(req.end !== undefined ? { end: req.end } : {}), ...(req.fade !== undefined ? { fade: req.fade } : {}) });
          this.guard.wrote(out);
          job.progress('export', 1, 1);
          return r;
        }
        // The remix already lasts exactly the clip (or its start–end range, where it is placed) and ends
        // on the track's ending: no offset, no fade (review R20: an In point was ignored by the fit).
        const { renderFitForExport } = await import('../fit');
        const stages = ['analysing', 'planning', 'rendering'];
        const range = { ...(req.start !== undefined ? { start: req.start } : {}), ...(req.end !== undefined ? { end: req.end } : {}) };
        const fitted = await renderFitForExport({ ...(await this.fitInputs(clip, track, req, job, stages, stages.length + 1)), ...range });
        try {
          job.progress('export', stages.length, stages.length + 1);
          const r = await exportClipWithTrack({ ...common, track: fitted.remix, offset: 0, fade: 0, ...(req.start !== undefined ? { start: req.start } : {}) });
          this.guard.wrote(out);
          job.progress('export', stages.length + 1, stages.length + 1);
          return { ...r, fit: fitted.result as unknown as FitSummary };
        } finally {
          await fitted.cleanup();
        }
      },
      fit: async (req, job) => {
        const { fitTrackToClip, fitOutputs } = await import('../fit');
        const track = this.trackPath(req.track);
        const stages = ['analysing', 'planning', 'rendering', 'handoff'];
        const clip = this.guard.read(req.clip, this.openedPaths());
        // What `force` would replace: each only if it is that output of an earlier fit (review R1.9).
        const outs = fitOutputs(clip, req.out ? this.guard.write(req.out) : undefined, req.handoff ? this.guard.writeInto(req.handoff) : undefined);
        if (outs.remix) await this.guard.replace(outs.remix, req.force, OUTPUT_KINDS.remix);
        if (outs.handoff) for (const k of ['fcpxml', 'edl', 'csv'] as const) await this.guard.replace(outs.handoff[k], req.force, OUTPUT_KINDS[k === 'csv' ? 'markers' : k]);
        const inputs = await this.fitInputs(clip, track, req, job, stages, stages.length);
        const r = await fitTrackToClip({
          ...inputs,
          ...(req.start !== undefined ? { start: req.start } : {}),
          ...(req.end !== undefined ? { end: req.end } : {}),
          ...(req.endOn ? { endOn: req.endOn } : {}),
          ...(req.allowTempo !== undefined ? { allowTempo: req.allowTempo } : {}),
          ...(req.out ? { out: this.guard.write(req.out) } : {}),
          ...(req.handoff ? { handoff: this.guard.writeInto(req.handoff) } : {}),
          force: req.force ?? false,
        });
        if (outs.remix) this.guard.wrote(outs.remix);
        job.progress('fit', stages.length, stages.length);
        // Without the catalog's beats the fit tracks the tempo itself: the app says so beside a BPM the Library may not show.
        return { ...(r as unknown as FitSummary), tempoFrom: inputs.known ? 'catalog' : 'fit' };
      },
      'clip.cuts': async ({ id }, job) => {
        const clip = this.clips.get(id);
        if (!clip) throw new EngineError({ code: 'not-found', message: `no opened clip with id ${id}` });
        const { cuts, fps } = await this.shotCuts.get(clip.path, { signal: job.signal, onProgress: (s, total) => job.progress('cuts', s, Math.max(s, Math.round(total))) });
        return { id, cuts, fps };
      },
      'fit.savePlan': async (req) => {
        const { savePlan } = await import('../fit/plan-file');
        const clip = this.guard.read(req.clip, this.openedPaths());
        const range = { ...(req.start !== undefined ? { start: req.start } : {}), ...(req.end !== undefined ? { end: req.end } : {}) };
        const out = this.guard.write(req.out);
        await this.guard.replace(out, req.force, OUTPUT_KINDS.plan);
        return { out: await savePlan(out, { clip, track: this.trackPath(req.track), ...range, plan: req.plan }, req.force ?? false) };
      },
      'fit.replan': async ({ track, ...spec }) => {
        const { replanWithSplices } = await import('../fit');
        const path = this.trackPath(track);
        const analysed = await (await this.grids()).get(path, { known: this.knownBeats(path) });
        return replanWithSplices(analysed.grid, analysed.scorer, spec);
      },
      // Training modules load TF.js: only when a training operation is asked for.
      corpus: async (req, job) => {
        const out = this.guard.write(req.out, { corpusFolder: true });
        checkCorpusPlace(out, this.ctx.dataDir, this.settings().libraryFolders);
        const made = await (await import('./training')).makeCorpus({ ...req, out }, job);
        // A corpus the engine wrote, the user may train and evaluate on.
        this.granted.add(out);
        return made;
      },
      train: async (req, job) => {
        const out = req.out ? this.guard.writeInto(req.out) : undefined;
        const userModelsDir = join(this.ctx.dataDir, 'models');
        // The version it makes (when in the models folder) and its parent may not be deleted while it runs.
        const uses: VersionUse[] = [...(out ? [] : [{ version: req.version, why: 'training it', writes: true }]), ...(req.parent ? [{ version: req.parent, why: `training "${req.version}" as its child` }] : [])];
        return this.writingVersion(join(out ?? userModelsDir, req.version), async () =>
          this.holding(uses, async () => {
            const { trainOnCorpus } = await import('./training');
            return await trainOnCorpus(
              { ...req, corpus: await this.pickedCorpus(req.corpus), ...(out ? { out } : {}) },
              { userModelsDir, checkpointsDir: join(this.ctx.dataDir, 'checkpoints'), registry: this.registry },
              job,
            );
          }),
        );
      },
      finetune: async (req, job) =>
        this.writingVersion(join(this.ctx.dataDir, 'models', req.version), async () => {
          // Fine-tuned from the active version (its parent): neither it nor the new one may be deleted meanwhile.
          const parent = await activeModel(this.registry);
          return this.holding([{ version: req.version, why: 'fine-tuning it', writes: true }, { version: parent, why: `fine-tuning "${req.version}" from it` }], async () => {
            const { finetuneOnEdits } = await import('../train/finetune');
            // No catalog yet holds no judgements: said as such below, not as "index your music first".
            const catalog = req.feedback && this.sessions.hasCatalog() ? this.sessions.existingCatalog() : null;
            const { manifest: _manifest, videos, skipped, heldOut, base, ...r } = await finetuneOnEdits(
              // The folder of finished edits is the user's pick, like an opened clip: only media in it is decoded.
              { ...req, ...(req.videos ? { videos: this.guard.picked(req.videos).dir } : {}) },
              {
                registry: this.registry,
                userModelsDir: join(this.ctx.dataDir, 'models'),
                checkpointsDir: join(this.ctx.dataDir, 'checkpoints'),
                cacheDir: join(this.ctx.dataDir, 'edit-features'),
                benchmarkDir: join(this.ctx.dataDir, 'base-benchmark'),
                ...(req.feedback
                  ? {
                      feedback: {
                        rows: catalog ? listFeedback(catalog) : [],
                        trackAudio: (id: number) => (catalog ? getFeatures(catalog, id, 'audio') : undefined),
                        trackName: (id: number) => {
                          const t = catalog ? getTrack(catalog, id) : undefined;
                          return t && (t.title?.trim() ? `"${t.title.trim()}", ${basename(t.path)}` : basename(t.path));
                        },
                      },
                    }
                  : {}),
              },
              job,
            );
            return {
              ...r,
              videos: videos.map((v) => ({ file: v.file, split: v.split, windows: v.windows })),
              skipped: skipped.map((s) => ({ file: s.file, reason: s.reason })),
              heldOut: heldOut as unknown as Results['finetune']['heldOut'],
              base: base as unknown as Results['finetune']['base'],
            };
          });
        }),
      evaluate: async (req, job) => {
        const { losses, ...rest } = req;
        const { evaluate } = await import('./training');
        const model = await this.version(rest.model);
        const r = await this.holding([{ version: model, why: 'an evaluation of it' }], async () => evaluate({ ...rest, corpus: await this.pickedCorpus(rest.corpus), ...(losses ? { losses } : {}) }, this.registry, job));
        return r as unknown as Results['evaluate'];
      },
    };
  }
}

/** Jobs that train with TF.js (a process-wide engine): all but a music-space update of signatures only. */
function usesTraining(op: JobOperation, req: unknown): boolean {
  if (op === 'musicSpace.update') return (req as { signaturesOnly?: boolean } | undefined)?.signaturesOnly !== true;
  return op === 'train' || op === 'finetune' || op === 'evaluate';
}

/** Errors as data for a transport reply. */
export { toErrorData };

/** A video stream's size as the picture is shown (its coded size turned by its display rotation), and the rotation. */
function shownSize(video: { width?: number; height?: number; rotation?: number }): Pick<OpenedClip, 'width' | 'height' | 'rotation'> {
  const rotation = video.rotation ?? 0;
  const turned = rotation === 90 || rotation === 270;
  return { width: (turned ? video.height : video.width) ?? null, height: (turned ? video.width : video.height) ?? null, rotation };
}

const noPlaylist = (id: number): EngineError => new EngineError({ code: 'not-found', message: `playlist ${id} does not exist (it may have been deleted): list the saved playlists to see their ids` });

/** A saved playlist's row as the list shows it, or not-found. */
function savedPlaylist(catalog: Catalog, id: number): SavedPlaylist {
  const p = getPlaylist(catalog, id);
  if (!p) throw noPlaylist(id);
  return { id: p.id, name: p.name, createdAt: p.createdAt, length: p.trackIds.length };
}
