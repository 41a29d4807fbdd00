/**
 * What the engine answers with: plain, structured-clone-safe data shared by the CLI, the
 * Electron preload and the browser bridge. No Node imports: the renderer uses this file too.
 */

export type TrackId = number;

/** One track as the fronts show it. */
export interface TrackView {
  id: TrackId;
  path: string;
  title: string | null;
  artist: string | null;
  duration: number;
  bpm: number | null;
  /** e.g. "F# minor", "?" when unknown. */
  key: string;
  /** 0..1. */
  energy: number;
}

/** A track row of the library table: the view plus what the table sorts and filters on. */
export interface TrackListItem extends TrackView {
  album: string | null;
  /** Whether it has segments for the active model (searchable). */
  searchable: boolean;
  /** Why only part of the file could be analysed, when it could not all be. */
  partial: string | null;
  /**
   * Its file is under none of the library folders (indexed from another folder by the CLI, or its
   * folder was removed with its tracks kept): no scan looks at it again, yet it is matched and curated.
   */
  outside: boolean;
  /**
   * Its file is not there now (an unplugged drive, a folder not readable): kept in the catalog, left out
   * of matches and playlists until it is back.
   */
  unavailable: boolean;
}

export const TRACK_SORT_KEYS = ['title', 'artist', 'album', 'duration', 'bpm', 'key', 'energy', 'path'] as const;
export type TrackSortKey = (typeof TRACK_SORT_KEYS)[number];

export interface TrackPage {
  /** Tracks matching the filter (all pages). */
  total: number;
  offset: number;
  tracks: TrackListItem[];
  /** Catalogued tracks under none of the library folders, in the whole catalog (whatever the filter). */
  outside: number;
}

export interface TrackDetail extends TrackListItem {
  /** Beat times in seconds. */
  beats: number[];
  /** Tempo confidence 0..1, when known. */
  bpmConfidence: number | null;
  loudnessLufs: number | null;
}

/** A clip the user opened; its media is served as media id `clip/<id>`. */
export interface OpenedClip {
  id: string;
  path: string;
  duration: number;
  /** The picture's size as it is shown: the coded size turned by `rotation` (720×1280 for a portrait phone clip coded 1280×720). */
  width: number | null;
  height: number | null;
  /** The display rotation the file states, clockwise degrees (0, 90, 180, 270): the picture is coded turned by this much. */
  rotation: number;
  hasAudio: boolean;
  /** The video's frame rate (null when the file does not say). */
  fps: number | null;
  /**
   * Where an export of it can be written: the clip's own folder when the engine can write there,
   * else the user's Videos (Movies) folder or home. Checked when the clip opens, not after an encode.
   */
  exportFolder: string;
  /** Why `exportFolder` is not the clip's folder (null when it is). */
  exportFolderNote: string | null;
}

/** Whether a file can be written at a path, asked before a job that writes it starts. */
export interface OutputCheck {
  path: string;
  /** Null when it can; else why not, naming the folder (a read-only disk, no permission, no such folder). */
  problem: string | null;
}

/** An opened clip's shot cuts (the `clip.cuts` job: one decode of every frame). */
export interface ClipCuts {
  id: string;
  /** Seconds: the first frame of each new shot, found at the clip's own frame rate. */
  cuts: number[];
  /** The frame rate analysed. */
  fps: number;
}

export interface Settings {
  provider: 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
  /** Indexing workers. */
  jobs: number;
  /** Watch the library folders and index new, changed and removed files (in hosts that stay open: the app, the bridge). */
  watch: boolean;
  /**
   * Match's one-key shortcuts (I, O, J, K, L, [, ], Space, Enter, Backspace) act when the focus is not in a
   * text field; off, those keys do nothing there (WCAG 2.1.4: speech input and screen readers in browse
   * mode send letters; review R6). Shortcuts with Ctrl/Cmd still work.
   */
  singleKeyShortcuts: boolean;
  /**
   * Why the folders are looked at every 30 s instead of watched as files change (the system would
   * not watch one: its limit of watched folders, a folder gone), naming the folder; null when they
   * are watched, or not at all (review R1.9: the fallback was silent).
   */
  watchProblem: string | null;
}

export interface FailedFile {
  path: string;
  reason: string;
}

export interface ScanReport {
  indexed: number;
  unchanged: number;
  removed: number;
  /** Catalogued tracks kept as they were because their folder (or file) could not be read or their folder came back empty. */
  unavailable: number;
  moved: number;
  reembedded: number;
  failed: FailedFile[];
  /** Files under the roots that are not audio (images, text, hidden folders): not errors, listed so nothing vanishes silently. */
  ignored: FailedFile[];
  /** Files indexed from what could be decoded (cut short, damaged part-way), with the cause. */
  partial: Array<{ path: string; cause: string }>;
  cancelled: boolean;
  note: string | null;
}

/** What `library.removeFolder` did: the folders left, and the catalogued tracks under the removed one. */
export interface RemovedFolder {
  folders: string[];
  /** Tracks dropped from the catalog with their segments, playlist items and feedback (only with `dropTracks`). */
  dropped: number;
  /** Tracks under the folder still catalogued: all of them without `dropTracks`, else those also under another library folder. */
  kept: number;
  /** With `dropTracks`: tracks kept because another library folder reaches the file by another path (a link to it), moved there with their id, playlist places and feedback. */
  moved: MovedTrack[];
}

/** A track whose file is also reached from another library folder (a link to it): it stays, catalogued at `to` instead of `path`. */
export interface MovedTrack {
  path: string;
  to: string;
}

export interface PaceWhy {
  /** The clip's cut count over its length, as its summary line says it (a count, not the shot length). */
  cutsPerMin: number;
  /**
   * The shot length the editor cut at (s): the median gap between consecutive cuts, the first and last
   * shots left out (the clip's ends cut them short); with one cut, the longer of its two pieces. Null without cuts.
   */
  shotSeconds: number | null;
  /** The track's tempo; null when it has no steady tempo (none was detected). */
  bpm: number | null;
  /** Beats in a shot at this tempo (bpm · shotSeconds / 60); null when the clip has no cuts or the track no tempo. */
  beatsPerCut: number | null;
  /** 1 when cuts fall every 1, 2, 4, 8… beats (phrase-aligned), down to 0 half-way between; null (no verdict) without cuts or tempo. */
  fit: number | null;
  label: string;
}
export interface EnergyWhy {
  motion: number;
  energy: number;
  /** 1 − |energy − motion|. */
  fit: number;
  label: string;
}
export interface MoodWhy {
  brightness: number;
  /** Valence proxy of the track: half mode (major = 1), half spectral brightness. */
  valence: number;
  /** 1 − |valence − brightness|. */
  fit: number;
  label: string;
}
export interface MatchWhy {
  pace: PaceWhy;
  energy: EnergyWhy;
  mood: MoodWhy;
  /** A temp-track ranking only (match `tempTrack`): how the picture fit and the sound of the clip's own music made the score. */
  tempTrack?: TempTrackWhy;
}

/**
 * score = pictureWeight · picture + soundWeight · sound (the weights sum to 1): picture is the
 * picture fit (alignScore + beat term, the score without the option), sound the cosine of the
 * track with the clip's own music in the music space of `similar` (docs/cli-match.md, "The clip's own music").
 */
export interface TempTrackWhy {
  picture: number;
  pictureWeight: number;
  sound: number;
  soundWeight: number;
  /** Set when the clip's music is this very recording: where in the track it is at the clip's start (the result's offset), and how well they correlate there (0..1). */
  recording?: { offset: number; correlation: number };
}

/**
 * The clip's own audio over the matched range, classed by the measure fine-tuning uses on finished edits
 * (per 0.5 s step: silence, speech-like, music; music when at least half the steps are). 'none': no
 * audio stream (or one that could not be decoded: `cause`).
 */
export interface ClipSoundtrack {
  kind: 'music' | 'speech' | 'silence' | 'none';
  /** Seconds of the clip's audio analysed (0 for none). */
  seconds: number;
  /** Shares of the steps (sum 1); absent for none. */
  music?: number;
  speech?: number;
  silence?: number;
  cause?: string;
  /** The ranking blends in how each track sounds like this music (the request asked for it and the clip's audio is music). */
  ranked?: boolean;
}

export interface RankedTrack {
  rank: number;
  track: TrackView;
  /** alignScore + beat weight · beatShare. */
  score: number;
  alignScore: number;
  beatShare: number;
  /** Start the track here (s) so it fits the clip. */
  offset: number;
  /** What the fronts show for the score: the standing first, the calibrated model confidence second (docs/cli-match.md, "The fit"). */
  fit: FitView;
  why: MatchWhy;
}

/** A ranked track's fit: monotone in its score, so it never changes the order. */
export interface FitView {
  /** 0..1. calibrated: the model's confidence, how often synthetic held-out clip–track pairs scoring this were true pairs (even odds; not a verdict on real music); library: share of the other ranked tracks it scores above. */
  value: number;
  /** calibrated: the model version has a match calibration; library: it has none. */
  basis: 'calibrated' | 'library';
  /** calibrated only: what the curve was fitted on: synthetic corpus pairs (base, corpus-trained versions) or held-out edits of the user's (fine-tuned). */
  calibratedOn?: 'synthetic' | 'edits';
  /** rank / of: "top x % of your library" (exact with the exact strategy). */
  top: number;
  /** Tracks ranked for the clip. */
  of: number;
}

export interface RankedClip {
  file: string;
  /** Range analysed, seconds in the file. */
  start: number;
  end: number;
  /**
   * `cuts`: the clip's frame-accurate shot cuts inside the range (contract/clip-range.ts cutsInside), the ones the Match screen marks.
   * `motion`, `brightness`: rounded once to 2 digits, the same numbers as each result's why (review R3.3).
   */
  summary: { duration: number; cuts: number; cutsPerMin: number; motion: number; brightness: number };
  partial?: string;
  /** Set when the range is shorter than one of the model's segments: judged partly on padding (clip-range.ts shortRangeNote). */
  shortRange?: { seconds: number; segmentSeconds: number };
  /** The clip's own audio over the range (a whole clip's ranking; a section's list has none of its own). */
  soundtrack?: ClipSoundtrack;
  results: RankedTrack[];
}

export interface ClipMatch extends RankedClip {
  sections?: RankedClip[];
  strategy: string;
}

export interface MatchResponse {
  model: string;
  provider: string;
  tracks: number;
  segments: number;
  /** Catalogued tracks without segments for this model. */
  missing: number;
  clips: ClipMatch[];
  /** Clips of a batch that could not be read (each clip is its own question: the others are still ranked). */
  failed?: Array<{ file: string; error: string }>;
}

export interface CuratedTrack {
  position: number;
  track: TrackView;
  score: number;
  target?: number;
  /** Combined spaces: each space's cosine and its weight (score = Σ weight · cosine). */
  why?: Array<{ space: string; cosine: number; weight: number }>;
}

export interface MusicSpaceResult {
  kind: 'descriptor-stats' | 'learned';
  tracks: number;
  /** Why the descriptor statistics serve (too few tracks), or how the learned space was brought up to date. */
  detail: string;
  /** Production signatures only: each track left without one (unreadable, silent) and why. */
  withoutSignature?: Array<{ path: string; reason: string }>;
}

export interface Playlist {
  name: string;
  params: Record<string, unknown>;
  tracks: CuratedTrack[];
}

export interface SavedPlaylist {
  id: number;
  name: string;
  createdAt: number;
  length: number;
}

export interface ExportResult {
  out: string;
  duration: number;
  container: string;
  videoCodec: string;
  videoCopied: boolean;
  audioCodec: string;
  /** Seconds of silence before the track begins (an In point after the offset); 0 otherwise. */
  lead: number;
  audible: number;
  fade: number;
  /** Integrated loudness of the written soundtrack (LUFS), measured after the encode; −70 is the meter's floor. */
  loudness: number;
  /** The loudness the export aimed at (LUFS); a miss of more than 2 LU below it comes with a warning. */
  loudnessTarget: number;
  /** What the user should know though the export succeeded (e.g. the track runs out before the clip ends). */
  warnings: string[];
}

/** One piece of the track placed in a fit's output (track seconds; output seconds where it begins). */
export interface FitRangeView {
  sourceStart: number;
  sourceEnd: number;
  outputStart: number;
}

/** A cut of a fit from one beat of the track to another. */
export interface FitSpliceView {
  /** Output seconds of the cut. */
  time: number;
  /** Track seconds left (an out-point on a beat) and entered (an in-point on a beat). */
  from: number;
  to: number;
  /** Beat indices of `from` and `to` in the fit's grid. */
  fromBeat: number;
  toBeat: number;
  /** How audible the cut is (0 = not at all; 1 ≈ as different as two neighbouring bars). */
  score: number;
}

/** A fit's plan: what plays where in the output (0 = the clip's in point), and what is heard. */
export interface FitPlanView {
  /** Output length, seconds. */
  duration: number;
  /** Track seconds the output starts at. */
  start: number;
  /** How the output ends: on the track's own ending or on a phrase end. */
  endMode: 'ending' | 'phrase';
  /** Playback speed factor applied to the track (1 = none; within ±3 % only when no splice path fits). */
  tempoRatio: number;
  ranges: FitRangeView[];
  splices: FitSpliceView[];
  /** The largest splice score (0 without splices). */
  worstSplice: number;
  /** Output times of the track's beats and downbeats that are heard. */
  beats: number[];
  downbeats: number[];
}

/** A fit of a track to a clip: what was kept, where it was spliced, and how the cuts land. */
export interface FitSummary {
  clip: string;
  track: string;
  /** Output length, seconds. */
  target: number;
  fps: number;
  grid: {
    bpm: number;
    beats: number;
    beatsPerBar: number;
    hasEnding: boolean;
    end: number;
    /** Beat times, track seconds, refined to the attacks: where splices may go. */
    beatTimes: number[];
    /** Index in `beatTimes` of the first downbeat. */
    downbeatPhase: number;
  };
  plan: FitPlanView;
  /**
   * Where `grid.bpm` and its beats come from: the catalog's analysis (the tempo the Library and Match
   * show) or the fit's own beat tracking, run when the catalog holds no steady tempo for the track.
   */
  tempoFrom?: 'catalog' | 'fit';
  hits?: { before: number; after: number; cuts: number[]; toleranceSeconds: number; [k: string]: unknown };
  remix?: { out: string; [k: string]: unknown };
  handoff?: { fcpxml: string; edl: string; csv: string; remix: string };
}

export interface FeedbackItem {
  id: number;
  clipPath: string;
  clipStart?: number | null;
  clipEnd?: number | null;
  trackId: TrackId;
  offset: number;
  verdict: 'accept' | 'reject';
  createdAt: number;
}

export interface ModelInfo {
  version: string;
  source: 'shipped' | 'user';
  active: boolean;
  loss: string | null;
  createdAt: string | null;
  parent: string | null;
  /** The parent is not installed (deleted since): said, not shown as a version one could pick. */
  parentDeleted?: true;
  metrics: Record<string, unknown>;
  /**
   * What a match's fit reads with this version: calibrated (it has match-calibration.json) or the library
   * standing; null for an unusable version (`problem`), which gives no match at all (review R4.4).
   */
  fit: FitView['basis'] | null;
  /** Why it cannot be used, when it cannot. */
  problem?: string;
}

export interface ModelList {
  active: string;
  models: ModelInfo[];
}

export interface ModelSwitch {
  active: string;
  previous: string;
  /** A rollback's earlier versions passed over because they are gone or unusable now (absent when none). */
  skipped?: string[];
}

/** What `models.delete` removed, or with `dryRun` would remove. */
export interface ModelDeletion {
  version: string;
  /** Its folder (gone when `deleted`). */
  dir: string;
  /** Bytes of its files. */
  bytes: number;
  createdAt: string | null;
  /** The user's versions made from it: their parent shows as deleted afterwards. */
  children: string[];
  /** Catalogued tracks with segments under it (dropped with it: a later version of the same name starts clean). */
  segmentTracks: number;
  deleted: boolean;
}

export interface RetrievalReport {
  method: string;
  direction?: string;
  [metric: string]: unknown;
}

export interface LossInfo {
  name: string;
  family: string;
  summary: string;
  defaults: Record<string, number | string | boolean>;
  needsClassLabels: boolean;
}

export interface TrainResult {
  version: string;
  dir: string;
  /** The step whose weights were kept (best validation). */
  bestStep: number;
  /** Steps actually run: fewer than asked when early stopping ended the run. */
  stepsRun: number;
  stoppedEarly: boolean;
  /** The step a checkpoint of the same run (same config and data) was resumed at; null when it started at step 0. */
  resumedAt: number | null;
  /** What to know before reading the figures (a split too small for its headline metric). */
  notes: string[];
  seconds: number;
  test: RetrievalReport;
  /**
   * The model read against (the parent when one was named, else the version active when the run
   * started) scored on the same test pairs as `test` (review R1.13); null when it could not be,
   * and `referenceWhy` says why.
   */
  reference: RetrievalReport | null;
  referenceWhy?: string;
  /** What ranking at random scores on those test pairs (contract/wording chanceReport). */
  chance: RetrievalReport;
  activated: boolean;
}

/** A version fine-tuned on the user's edits: held-out windows scored by the parent (before) and the new version (after). */
export interface FinetuneResult {
  version: string;
  parent: string;
  dir: string;
  activated: boolean;
  headsOnly: boolean;
  pairs: { train: number; val: number };
  videos: Array<{ file: string; split: string; windows: number }>;
  skipped: Array<{ file: string; reason: string }>;
  /**
   * The parent (before) and the new version (after) on the same held-out windows, from `edits`
   * held-out sources. Below MIN_HELD_OUT_EDITS (contract/wording) they are not compared: both null,
   * and `reason` says why and what to do.
   */
  heldOut:
    | {
        edits: number;
        before: RetrievalReport;
        after: RetrievalReport;
        reason: null;
        /** The windows compared: those of held-out sources of MIN_HELD_OUT_WINDOWS or more. */
        windows: number;
        /** How many of them early stopping also scored to choose the kept step ("after" leans optimistic there). */
        selectedOn: number;
      }
    | { edits: number; before: null; after: null; reason: string };
  /** The base benchmark (a fixed synthetic corpus) scored by the parent and the new version: what was forgotten. */
  base: { before: RetrievalReport; after: RetrievalReport } | null;
  /**
   * Why the new version is no better than its parent (no step beat it on the held-out edits, worse
   * there, or the base benchmark's Recall@1 fell by more than the allowed margin); such a version is
   * saved but not activated even when asked. Null otherwise.
   */
  noBetter: string | null;
  /** The step whose weights were kept (best held-out validation). */
  bestStep: number;
  /** Steps actually run: fewer than asked when early stopping ended the run. */
  stepsRun: number;
  stoppedEarly: boolean;
  /** The step a checkpoint of the same run was resumed at; null when it started at step 0. */
  resumedAt: number | null;
  /** What to know before reading the figures (held-out windows too few for their headline metric). */
  notes: string[];
  seconds: number;
}

export interface CorpusResult {
  dir: string;
  pairs: number;
  seconds: number;
}

export type JobState = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobInfo {
  id: string;
  op: string;
  state: JobState;
  startedAt: number;
  finishedAt: number | null;
  done: number;
  total: number;
  error?: string;
}

export interface FfmpegInfo {
  ffmpeg: string | null;
  ffprobe: string | null;
  source: string | null;
  problem?: string;
}

export interface EngineInfo {
  appVersion: string;
  dataDir: string;
  catalog: string;
  activeModel: string;
  ffmpeg: FfmpegInfo;
  /** Execution providers this machine's onnxruntime offers. */
  providers: string[];
  /** The provider setting (auto, cpu, …). */
  provider: string;
  /** The provider onnxruntime actually created the encoder session with (e.g. cpu when auto finds no GPU), or null when no model could be opened. */
  providerInUse: string | null;
  threads: number;
  libraryFolders: string[];
}

/** One track on the Explore map. */
export interface MapPoint {
  id: TrackId;
  /** In [0, 1]² (aspect kept). */
  x: number;
  y: number;
  /** 0..1, as in TrackView. */
  energy: number;
  /** 0..1: the mood proxy `match` explains with (major mode, bright spectrum). */
  valence: number;
  bpm: number | null;
}

/** The library laid out in 2-D from the space the playlists use. */
export interface TrackMap {
  method: 'PCA' | 'UMAP';
  /** The spaces the map is computed from and their weights (summing to 1). */
  spaces: Array<{ space: string; weight: number }>;
  points: MapPoint[];
  /** Tracks with features that are not on the map (no vector in a space yet). */
  missing: number;
  /** Served from the map cache (same tracks, model version and music space). */
  cached: boolean;
}

/** One cache the engine keeps under the data folder. */
export interface CacheEntry {
  name: 'map' | 'music-space-vectors' | 'production-signatures' | 'profile-cache' | 'edit-features' | 'base-benchmark' | 'checkpoints' | 'segment-index';
  label: string;
  /** What clearing it costs: what is rebuilt, when. */
  detail: string;
  /** Folder or file on disk (null for an in-memory cache). */
  path: string | null;
  bytes: number;
  files: number;
  /** False while clearing it would break a running job (of any process on the data folder). */
  clearable: boolean;
  /** The job using it, when not clearable: 'fine-tuning "ft2" (pid 4242)'. */
  usedBy?: string;
}

/** A long job's progress: count, rate and ETA of its current phase. */
export interface ProgressEvent {
  type: 'progress';
  jobId: string;
  phase: string;
  done: number;
  total: number;
  /** Items per second in this phase; 0 until enough are done for a rate to mean something. */
  rate: number;
  /** Seconds left (0 once all are done), or null while unknown. */
  eta: number | null;
  /** Seconds since this phase began. */
  elapsed: number;
  /** The item just finished (a file), when there is one. */
  item?: string;
  /** Extra numbers a screen may chart (training: loss, validation Recall@10, …). */
  metrics?: Record<string, number>;
}

export interface JobEndEvent {
  type: 'job-end';
  jobId: string;
  state: Exclude<JobState, 'running' | 'interrupted'>;
  result?: unknown;
  error?: import('./errors').ErrorData;
}

/** Something changed that screens showing it should reload (after a scan, an activation, …). */
export interface ChangedEvent {
  type: 'changed';
  what: 'tracks' | 'models' | 'playlists' | 'feedback' | 'settings';
}

export type EngineEvent = ProgressEvent | JobEndEvent | ChangedEvent;
