/**
 * Every operation a front can ask of the engine: its request schema (checked at the boundary:
 * wrong types, unknown fields and oversized values are refused) and its result type. Quick
 * operations answer directly; job operations run in the background, report progress events,
 * can be cancelled, and end with a `job-end` event carrying the result.
 */
import * as v from 'valibot';
import { MIN_MATCH_SECONDS } from './clip-range';
import type {
  FinetuneResult,
  ClipCuts,
  ClipMatch,
  CorpusResult,
  CacheEntry,
  CuratedTrack,
  EngineInfo,
  ExportResult,
  FailedFile,
  FeedbackItem,
  FitPlanView,
  FitSummary,
  JobInfo,
  LossInfo,
  MatchResponse,
  MusicSpaceResult,
  OpenedClip,
  OutputCheck,
  Settings,
  TrackDetail,
  ModelDeletion,
  ModelList,
  ModelSwitch,
  Playlist,
  MovedTrack,
  RemovedFolder,
  RetrievalReport,
  SavedPlaylist,
  ScanReport,
  TrackMap,
  TrackPage,
  TrainResult,
} from './types';
import { TRACK_SORT_KEYS } from './types';

/** Longest path any request may carry (Linux PATH_MAX). */
export const MAX_PATH = 4096;

/**
 * The fewest pairs a synthetic corpus needs for each split to be trained and scored (6 train,
 * 2 val, 2 test): the engine's pairsToTrain() (corpus/plan.ts SPLIT_MINIMUM), here for the Train
 * screen, which cannot import the engine. tests/unit/corpus holds the two equal.
 */
export const TRAINABLE_CORPUS_PAIRS = 10;
const path = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_PATH, 'is too long'), v.check((s) => !s.includes('\0'), 'contains a NUL byte'));
const seconds = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(86_400 * 7));
const count = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max));
/** The longest playlist name (a default name made from long track names is shortened to it: app/curate.ts). */
export const PLAYLIST_NAME_MAX = 200;
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(PLAYLIST_NAME_MAX));
const version = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be letters, digits, ".", "_" or "-" (at most 64)'));
const trackRef = v.union([v.pipe(v.number(), v.integer(), v.minValue(1)), path]);
const provider = v.picklist(['auto', 'cpu', 'cuda', 'dml', 'coreml']);
const none = v.optional(v.strictObject({}), {});
const playlistId = v.pipe(v.number(), v.integer(), v.minValue(1));
const clipId = v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/, 'must be an opened clip id'));
const endMode = v.picklist(['ending', 'phrase']);
/** A fit's speed factor: at most the planner's ±3 % fallback. */
const tempoRatio = v.pipe(v.number(), v.finite(), v.minValue(0.97), v.maxValue(1.03));
/** A fit plan the user edited: the kept track ranges in output order (the engine checks them against the track and the clip). */
const fitPlan = v.strictObject({
  ranges: v.pipe(
    v.array(v.strictObject({ sourceStart: seconds, sourceEnd: seconds, outputStart: v.optional(seconds) })),
    v.minLength(1),
    v.maxLength(1000),
    v.check((rs) => rs.every((r) => r.sourceEnd > r.sourceStart), 'each range must end after it starts'),
  ),
  endMode: v.optional(endMode),
  tempoRatio: v.optional(tempoRatio),
});

export const LOSS_NAME = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,40}$/));

export const schemas = {
  // ── quick ────────────────────────────────────────────────────────────────
  'engine.info': none,
  'library.folders': none,
  'library.addFolder': v.strictObject({ path }),
  /** Unlist a folder; with dropTracks also drop its catalogued tracks (not those under another library folder). */
  'library.removeFolder': v.strictObject({ path, dropTracks: v.optional(v.boolean()) }),
  /** Catalogued tracks under a folder that removing it with dropTracks would drop, so the app can ask first. */
  'library.folderTracks': v.strictObject({ path }),
  'tracks.list': v.optional(
    v.strictObject({
      search: v.optional(v.pipe(v.string(), v.maxLength(500))),
      sort: v.optional(v.picklist(TRACK_SORT_KEYS)),
      descending: v.optional(v.boolean()),
      offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000))),
      limit: v.optional(count(10_000)),
      /** Only the tracks under none of the library folders. */
      outside: v.optional(v.boolean()),
    }),
    {},
  ),
  'tracks.failed': none,
  /** Beat times and analysis summary of one track (beat markers, nudging by beat). */
  'tracks.detail': v.strictObject({ id: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  /**
   * Register a clip the user opened (dialog or drop): media is then served by this id, never by path.
   * `id`: open it again under the id an earlier engine process gave it (the app's shell does, for
   * every clip the window opened, when it restarts a crashed engine: the window's id stays valid).
   */
  'clip.open': v.strictObject({ path, id: v.optional(clipId) }),
  /**
   * Can an export be written at this path? Asked before an export starts, by export's own rules: its
   * folder exists and is writable, its extension is one export writes, it is not a folder, and it is
   * neither the clip nor the track the export would read (review R2.16).
   */
  'output.check': v.strictObject({ path, clip: v.optional(path), track: v.optional(trackRef) }),
  /** The file behind a media id (a catalog track or an opened clip), for a host's media server (Electron's media://). */
  'media.resolve': v.strictObject({
    kind: v.picklist(['track', 'clip']),
    id: v.union([v.pipe(v.number(), v.integer(), v.minValue(1)), clipId]),
  }),
  'settings.get': none,
  'settings.set': v.strictObject({
    provider: v.optional(provider),
    jobs: v.optional(count(64)),
    watch: v.optional(v.boolean()),
    singleKeyShortcuts: v.optional(v.boolean()),
  }),
  /** Sizes of the caches under the data folder (never the catalog, models or settings). */
  'cache.info': none,
  /** Empty one cache; the next operation that needs it rebuilds it. */
  'cache.clear': v.strictObject({ name: v.picklist(['map', 'music-space-vectors', 'production-signatures', 'profile-cache', 'edit-features', 'base-benchmark', 'checkpoints', 'segment-index']) }),
  similar: v.strictObject({
    track: trackRef,
    top: v.optional(count(1000)),
    model: v.optional(version),
    /** 'mood': the cross-modal space alone; 'combined': the music space(s) and mood, weighted, with the why. */
    space: v.optional(v.picklist(['mood', 'combined'])),
  }),
  /** A job: progress in phases 'pick' (tracks placed of the length) and 'order' (rounds of smoothing, total 0: not known ahead). */
  'playlist.build': v.strictObject({
    kind: v.picklist(['more-like', 'mood-path', 'energy']),
    seeds: v.optional(v.pipe(v.array(trackRef), v.minLength(1), v.maxLength(100))),
    from: v.optional(trackRef),
    to: v.optional(trackRef),
    curve: v.optional(v.pipe(v.string(), v.maxLength(2000))),
    length: count(1000),
    /** `length` is the most wanted (the app's Length field): a smaller library gives a shorter playlist instead of an error. */
    atMost: v.optional(v.boolean()),
    name: v.optional(name),
    model: v.optional(version),
    /** 'combined' (default): the music space(s) and mood, weighted per kind, with the why; 'mood': the cross-modal space alone. */
    space: v.optional(v.picklist(['mood', 'combined'])),
  }),
  'playlist.save': v.strictObject({
    name,
    trackIds: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(10_000)),
    params: v.optional(v.record(v.pipe(v.string(), v.maxLength(100)), v.unknown())),
    /** Store it again under this saved playlist's id (one the user opened): its name, tracks and params are replaced. */
    id: v.optional(playlistId),
  }),
  'playlist.list': none,
  'playlist.get': v.strictObject({ id: playlistId }),
  /** Give a saved playlist another name (not blank). */
  'playlist.rename': v.strictObject({ id: playlistId, name: v.pipe(name, v.check((s) => s.trim().length > 0, 'must not be blank')) }),
  /** Remove a saved playlist; its tracks stay in the catalog. */
  'playlist.delete': v.strictObject({ id: playlistId }),
  'playlist.m3u': v.strictObject({
    trackIds: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(10_000)),
    out: path,
    /** Replace an existing file (a playlist's name: .m3u8 or .m3u); without it an existing file is refused as 'exists'. */
    force: v.optional(v.boolean()),
  }),
  'feedback.record': v.strictObject({
    clip: path,
    start: v.optional(v.nullable(seconds)),
    end: v.optional(v.nullable(seconds)),
    trackId: v.pipe(v.number(), v.integer(), v.minValue(1)),
    offset: seconds,
    verdict: v.picklist(['accept', 'reject']),
  }),
  /**
   * Take back the judgement of a track under a clip range (one per clip range × track: a later
   * feedback.record replaces it, offset and verdict; review R2.10). The range as recorded.
   */
  'feedback.withdraw': v.strictObject({
    clip: path,
    start: v.optional(v.nullable(seconds)),
    end: v.optional(v.nullable(seconds)),
    trackId: v.pipe(v.number(), v.integer(), v.minValue(1)),
  }),
  'feedback.list': none,
  'models.list': none,
  'models.activate': v.strictObject({ version }),
  'models.rollback': none,
  /**
   * Delete one of the user's model versions (never a shipped one, the active one, or one a running
   * job uses); with `dryRun`, only say what would be removed. Its catalog segments go with it.
   */
  'models.delete': v.strictObject({ version, dryRun: v.optional(v.boolean()) }),
  'jobs.list': none,
  /** The metric-learning losses a model can be trained with, with their families and defaults. */
  'losses.list': none,
  // ── jobs ─────────────────────────────────────────────────────────────────
  /**
   * Train (or bring up to date) the music space learned from the library itself; with
   * `signaturesOnly`, only compute new tracks' production signatures (what the served profile uses).
   */
  'musicSpace.update': v.optional(v.strictObject({ force: v.optional(v.boolean()), signaturesOnly: v.optional(v.boolean()) }), {}),
  /** The Explore map: every track in 2-D from the playlists' space (cached per catalog state and model). */
  'library.map': v.optional(v.strictObject({ model: v.optional(version) }), {}),
  /**
   * Give every catalogued track segments under a model version (default: the active one) from its
   * stored features, without decoding: what a newly activated version needs before Match can use it.
   */
  'library.reembed': v.optional(v.strictObject({ model: v.optional(version) }), {}),
  'library.scan': v.optional(
    v.strictObject({
      /** Default: every library folder. */
      folders: v.optional(v.pipe(v.array(path), v.minLength(1), v.maxLength(100))),
      jobs: v.optional(count(64)),
    }),
    {},
  ),
  match: v.strictObject({
    clips: v.pipe(v.array(path), v.minLength(1), v.maxLength(100)),
    start: v.optional(seconds),
    end: v.optional(seconds),
    top: v.optional(count(1000)),
    sections: v.optional(v.boolean()),
    /** Shortest section: no shorter than the shortest range the model judges (clip-range.ts). */
    minSection: v.optional(v.pipe(seconds, v.minValue(MIN_MATCH_SECONDS))),
    allowRepeats: v.optional(v.boolean()),
    /** Blend in how each track sounds like the clip's own music, when its audio is music (not with sections). */
    tempTrack: v.optional(v.boolean()),
    model: v.optional(version),
    provider: v.optional(provider),
  }),
  export: v.strictObject({
    clip: path,
    track: trackRef,
    out: path,
    /** Seconds into the track heard at clip time `start` (default 0). */
    offset: v.optional(seconds),
    /**
     * The clip time where the track is at `offset` (a match over an In–Out range gives offsets for its In
     * point); silence before the track begins. With a fit: where the remix begins (the fit's In point).
     */
    start: v.optional(seconds),
    /**
     * The Out point. With a fit the remix lasts from `start` to here (default: the clip's end); without,
     * the track is heard only from `start` (at `offset` there) to here, faded at both, the clip silent
     * before and after (default: the track plays over the whole clip).
     */
    end: v.optional(seconds),
    fade: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(60))),
    loudness: v.optional(v.pipe(v.number(), v.finite(), v.minValue(-70), v.maxValue(0))),
    force: v.optional(v.boolean()),
    /** Re-arrange the track at its beats to the clip's length (ending on its own ending) before muxing. */
    fit: v.optional(v.boolean()),
    hits: v.optional(v.boolean()),
    /** With `fit`: render exactly this (edited) plan instead of planning one. */
    plan: v.optional(fitPlan),
  }),
  /** An opened clip's shot cuts on its own frames: one decode of the whole clip, so a job (progress, cancel). */
  'clip.cuts': v.strictObject({ id: clipId }),
  /** Re-arrange a track at its beats to a clip's exact length; optionally render it and write editor hand-off files. */
  fit: v.strictObject({
    clip: path,
    track: trackRef,
    offset: v.optional(seconds),
    start: v.optional(seconds),
    end: v.optional(seconds),
    endOn: v.optional(v.picklist(['ending', 'phrase'])),
    hits: v.optional(v.boolean()),
    allowTempo: v.optional(v.boolean()),
    out: v.optional(path),
    handoff: v.optional(path),
    force: v.optional(v.boolean()),
    /** Render and hand off exactly this (edited) plan instead of planning one. */
    plan: v.optional(fitPlan),
  }),
  /**
   * Save a fit plan (the Fit panel's, edited or not) as JSON that `needledrop fit|export --plan`
   * reads, with the clip, track and range it is for (review R2.11). An existing file only with `force`.
   */
  'fit.savePlan': v.strictObject({
    out: path,
    plan: fitPlan,
    clip: path,
    track: trackRef,
    start: v.optional(seconds),
    end: v.optional(seconds),
    force: v.optional(v.boolean()),
  }),
  /** A fit plan re-made from the splices the user moved: ranges recomputed to keep the length, splices re-scored. */
  'fit.replan': v.strictObject({
    track: trackRef,
    /** Output length, seconds. */
    target: v.pipe(seconds, v.minValue(0.1)),
    /** Track seconds the last kept range ends at. */
    end: seconds,
    endMode,
    tempoRatio,
    /** In output order: track seconds left and entered, each on a beat of the fit's grid. */
    splices: v.pipe(v.array(v.strictObject({ from: seconds, to: seconds })), v.maxLength(1000)),
  }),
  corpus: v.strictObject({
    out: path,
    pairs: count(100_000),
    seed: v.pipe(v.number(), v.integer()),
    trackSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0.5), v.maxValue(600))),
    clipSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0.5), v.maxValue(600))),
    jobs: v.optional(count(64)),
    holdOut: v.optional(v.boolean()),
  }),
  train: v.strictObject({
    corpus: path,
    version,
    loss: v.optional(LOSS_NAME),
    steps: v.optional(count(1_000_000)),
    batch: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(4096))),
    lr: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(10))),
    seed: v.optional(v.pipe(v.number(), v.integer())),
    positives: v.optional(v.picklist(['pair', 'mood'])),
    backend: v.optional(v.picklist(['wasm', 'cpu'])),
    out: v.optional(path),
    parent: v.optional(version),
    activate: v.optional(v.boolean()),
  }),
  finetune: v.strictObject({
    videos: v.optional(path),
    version,
    feedback: v.optional(v.boolean()),
    headsOnly: v.optional(v.boolean()),
    steps: v.optional(count(1_000_000)),
    lr: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(10))),
    batch: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(4096))),
    seed: v.optional(v.pipe(v.number(), v.integer())),
    hop: v.optional(count(64)),
    /** L2 pull of the fine-tuned weights to the parent's (L2-SP strength, 0 = off): less forgetting of the base. */
    anchor: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1e6))),
    activate: v.optional(v.boolean()),
  }),
  evaluate: v.strictObject({
    corpus: path,
    model: v.optional(version),
    losses: v.optional(v.union([v.literal('all'), v.pipe(v.array(LOSS_NAME), v.minLength(1), v.maxLength(50))])),
    split: v.optional(v.picklist(['test', 'val', 'train', 'all'])),
    steps: v.optional(count(1_000_000)),
    seed: v.optional(v.pipe(v.number(), v.integer())),
    positives: v.optional(v.picklist(['pair', 'mood'])),
    backend: v.optional(v.picklist(['wasm', 'cpu'])),
    provider: v.optional(provider),
  }),
} as const;

export type OperationName = keyof typeof schemas;
export type RequestOf<K extends OperationName> = v.InferInput<(typeof schemas)[K]>;
export type ParsedRequest<K extends OperationName> = v.InferOutput<(typeof schemas)[K]>;

/** What each operation answers with. */
export interface Results {
  'engine.info': EngineInfo;
  'library.folders': string[];
  'library.addFolder': string[];
  'library.removeFolder': RemovedFolder;
  /**
   * `tracks`: what forgetting the folder drops; `kept`: its catalogued tracks that stay, being under the library folders `keptUnder` too;
   * `moved`: those that stay because another library folder reaches the file by another path (a link to it): the track moves to `to` with its id.
   */
  'library.folderTracks': { tracks: number; kept: number; keptUnder: string[]; moved: MovedTrack[] };
  'tracks.list': TrackPage;
  'tracks.failed': FailedFile[];
  'tracks.detail': TrackDetail;
  'clip.open': OpenedClip;
  'output.check': OutputCheck;
  'clip.cuts': ClipCuts;
  'media.resolve': { path: string };
  'settings.get': Settings;
  'settings.set': Settings;
  'cache.info': CacheEntry[];
  'cache.clear': CacheEntry[];
  similar: CuratedTrack[];
  'playlist.build': Playlist;
  'playlist.save': { id: number };
  'playlist.list': SavedPlaylist[];
  'playlist.get': SavedPlaylist & { trackIds: number[]; params: Record<string, unknown> };
  /** The playlist as it is now. */
  'playlist.rename': SavedPlaylist;
  /** The playlist that was removed. */
  'playlist.delete': SavedPlaylist;
  'playlist.m3u': { out: string; tracks: number };
  'feedback.record': { id: number };
  /** The judgement taken back, or null when there was none for that clip range × track. */
  'feedback.withdraw': { withdrawn: FeedbackItem | null };
  'feedback.list': FeedbackItem[];
  'models.list': ModelList;
  'models.activate': ModelSwitch;
  'models.rollback': ModelSwitch;
  'models.delete': ModelDeletion;
  'jobs.list': JobInfo[];
  'losses.list': LossInfo[];
  'library.scan': ScanReport;
  'musicSpace.update': MusicSpaceResult;
  'library.map': TrackMap;
  /** `embedded`: tracks this run gave segments; `tracks`: tracks with segments under `model` now. */
  'library.reembed': { model: string; embedded: number; tracks: number };
  match: MatchResponse;
  export: ExportResult & { fit?: FitSummary };
  fit: FitSummary;
  'fit.replan': FitPlanView;
  /** The plan file written (absolute). */
  'fit.savePlan': { out: string };
  corpus: CorpusResult;
  train: TrainResult;
  finetune: FinetuneResult;
  evaluate: { corpus: string; seed: number; split: string; pairs: number; provider: string; model: string; reports: RetrievalReport[]; losses: RetrievalReport[] };
}

/** Operations that run as jobs (progress, cancel, a job-end event). */
export const JOB_OPERATIONS = ['library.scan', 'musicSpace.update', 'library.map', 'playlist.build', 'library.reembed', 'match', 'export', 'clip.cuts', 'fit', 'corpus', 'train', 'finetune', 'evaluate'] as const satisfies readonly OperationName[];
export type JobOperation = (typeof JOB_OPERATIONS)[number];
export type QuickOperation = Exclude<OperationName, JobOperation>;

export const isOperation = (op: unknown): op is OperationName => typeof op === 'string' && Object.hasOwn(schemas, op);
export const isJobOperation = (op: OperationName): op is JobOperation => (JOB_OPERATIONS as readonly string[]).includes(op);

export type { ClipMatch };
