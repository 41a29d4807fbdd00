/**
 * Ranking music for clips: a match session holds the library (one model version's segments)
 * and that version's video encoder; each clip (or each section of one long video) becomes a
 * ClipQuery and is ranked by the Matcher (alignment + beat/cut term), each result explained.
 */
import { existsSync } from 'node:fs';
import { isShortRange } from '../../contract/clip-range';
import type { RankedClip, RankedTrack, TempTrackWhy } from '../../contract/types';
import type { Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import type { ProviderRequest } from '../encoders/providers';
import { activeModel, resolveModel, type RegistryOptions } from '../models/registry';
import { NeedledropError, usageError } from '../errors';
import type { ShotCutCache } from '../features/shot-cuts';
import { describeClip, explainMatch } from '../search/explain';
import type { AnnBuildProgress } from '../search/ann';
import type { MatchStrategy } from '../search/matcher';
import { round } from '../util/round';
import { matchSections } from '../search/sections';
import type { ClipSummary, MatchResult, TrackId } from '../search/types';
import { analyzeClip, ClipAnalysisCache, clipSummary, openClipEncoder, sliceClip, type ClipAnalysis, type ClipEncoder, type ClipRange } from './clip';
import { isNearSilent, openSearchLibrary, type Library, type LibraryOptions } from './library';
import { fitView, readCalibration, type MatchCalibration } from './match-fit';
import { splitSections, type Section, type SectionRule } from './sections';
import { ALIGN_CANDIDATES, alignPhased, ClipSoundCache, SAME_RECORDING, soundSimilarity, TEMP_TRACK_WEIGHT, type ClipSound, type ProfileVectors } from './temp-track';
import type { FeatureSeq } from '../features/types';
import { probe } from '../media/probe';

export interface MatchSession {
  library: Library;
  encoder: ClipEncoder;
  /** Model version used on both sides. */
  version: string;
  provider: string;
  /** The version's match calibration (match-fit.ts); null: fits fall back to the library standing. */
  calibration: MatchCalibration | null;
  /** The clips' own audio as decoded: a re-rank of a clip slices it (temp-track.ts ClipSoundCache). */
  sounds: ClipSoundCache;
  /** The clips' picture analyses (probe, descriptors, cuts): a re-rank of a clip slices them (clip.ts ClipAnalysisCache). */
  clips: ClipAnalysisCache;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Model version (default: the active one). */
  version?: string;
  provider?: ProviderRequest;
  /** Shown in error messages. */
  catalogPath?: string;
  log?: (message: string) => void;
  /** Where model versions and the active pointer are (default: from the environment). */
  registry?: RegistryOptions;
  /** A library of `version` already open (shared with curation); the session then leaves releasing it to its owner. */
  library?: Library;
  /** How a library is opened when none is given (on-disk index threshold and folder). */
  libraryOptions?: Pick<LibraryOptions, 'diskIndexAbove' | 'indexRoot'>;
}

/** Load the library first (an empty catalog fails fast, before any model is opened), then the encoder. */
export async function openMatchSession(db: Catalog, opts: SessionOptions = {}): Promise<MatchSession> {
  const version = opts.version ?? (await activeModel(opts.registry));
  const owned = !opts.library;
  const library =
    opts.library ??
    (await openSearchLibrary(db, version, { ...opts.libraryOptions, ...(opts.catalogPath ? { catalogPath: opts.catalogPath } : {}), ...(opts.log ? { log: opts.log } : {}) }));
  let encoder: ClipEncoder;
  let calibration: MatchCalibration | null;
  try {
    calibration = await readCalibration((await resolveModel(version, opts.registry)).dir).catch((err: unknown) => {
      // A broken calibration file must not block matching with a good model: the standing only, saying why.
      if (!(err instanceof NeedledropError && err.kind === 'input')) throw err;
      opts.log?.(`${err.message}; showing the standing only`);
      return null;
    });
    encoder = await openClipEncoder({
      version,
      ...(opts.provider ? { provider: opts.provider } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.registry ? { registry: opts.registry } : {}),
    });
  } catch (err) {
    if (owned) await library.release();
    throw err;
  }
  return {
    library,
    encoder,
    version,
    provider: encoder.provider,
    calibration,
    sounds: new ClipSoundCache(),
    clips: new ClipAnalysisCache(),
    async close() {
      await encoder.close();
      if (owned) await library.release();
    },
  };
}

// Ranked results have the contract's shape: what the fronts show is what the engine returns.
export type { RankedClip, RankedTrack } from '../../contract/types';

export interface ClipMatch extends RankedClip {
  /** With sections: one ranked list per section (the whole clip's `results` is then empty). */
  sections?: RankedClip[];
  /** The strategy the matcher used (exact, or the int8 scan shortlist on large libraries). */
  strategy: Exclude<MatchStrategy, 'auto'>;
}

export interface MatchClipOptions {
  range?: ClipRange;
  topK?: number;
  /** Split the video into sections (rule in sections.ts) and rank music for each. */
  sections?: boolean | SectionRule;
  /** With sections: let one track be suggested for several sections. */
  allowRepeats?: boolean;
  strategy?: MatchStrategy;
  signal?: AbortSignal;
  /** Where the clip's shot cuts are kept (the app's engine: the player's markers and the match share one detection). */
  shotCuts?: ShotCutCache;
  /** Large libraries: progress of building the ANN index (first query only). */
  onIndexProgress?: (p: AnnBuildProgress) => void;
  /**
   * Rank by the picture and by how each track sounds like the clip's own music, when the clip's audio
   * is music (app/temp-track.ts); `profile` hands out the library's track profile before re-ranking
   * (the service's music-space cache), stopping when `signal` (the match's) aborts. Not with sections.
   */
  tempTrack?: { profile: (signal?: AbortSignal) => Promise<ProfileVectors> };
  /** The clip's own audio, described (matchClip decodes it; a caller of matchAnalysis may pass it). */
  sound?: ClipSound;
}


/** How a clip's results are read: the version's calibration and how many tracks were ranked. */
interface FitBasis {
  calibration: MatchCalibration | null;
  tracks: number;
  /** The encoder's segment length (s): a range shorter than it is said to be judged on a short range. */
  segmentSeconds: number;
}

/**
 * A result with its place among every ranked track, kept when others are left out (unavailable files);
 * in a temp-track ranking, its picture score (what the model's confidence reads) and the why of the blend.
 */
type Placed = MatchResult & { place?: number; picture?: number; tempTrack?: TempTrackWhy };

function rank(library: Library, summary: ClipSummary, results: Placed[], basis: FitBasis): RankedTrack[] {
  return results.map((r, i) => ({
    rank: r.place ?? i + 1,
    track: library.view(r.trackId),
    score: round(r.score, 3),
    alignScore: round(r.alignScore, 3),
    beatShare: round(r.beatShare, 3),
    offset: round(r.offset, 3),
    // The calibration was fitted on picture scores: the confidence stays the picture's; the standing is the list's.
    fit: fitView(r.picture ?? r.score, r.place ?? i + 1, basis.tracks, basis.calibration),
    why: { ...explainMatch(summary, library.store.info(r.trackId)), ...(r.tempTrack ? { tempTrack: r.tempTrack } : {}) },
  }));
}

/**
 * The picture ranking of every track blended with how each sounds like the clip's music:
 * (1 − TEMP_TRACK_WEIGHT) · picture score + TEMP_TRACK_WEIGHT · profile cosine. The tracks nearest
 * the clip's music are cross-correlated with it; one that correlates above SAME_RECORDING is the
 * recording under the clip, and its offset is where the clip's music is in it.
 */
async function tempTrackRanking(session: MatchSession, picture: MatchResult[], sound: Map<number, number>, phases: readonly FeatureSeq[], at: number, signal?: AbortSignal): Promise<Placed[]> {
  const soundWeight = TEMP_TRACK_WEIGHT;
  const pictureWeight = 1 - soundWeight;
  const nearest = [...picture].sort((a, b) => (sound.get(b.trackId) ?? 0) - (sound.get(a.trackId) ?? 0)).slice(0, ALIGN_CANDIDATES);
  const recordings = new Map<number, { offset: number; correlation: number }>();
  for (const r of nearest) {
    signal?.throwIfAborted();
    const seq = getFeatures(session.library.db, r.trackId, 'audio');
    const a = seq ? alignPhased(phases, seq, at) : null;
    if (a && a.correlation >= SAME_RECORDING) recordings.set(r.trackId, { offset: round(a.offset, 3), correlation: round(a.correlation, 3) });
  }
  return picture
    .map((r) => {
      const cosine = sound.get(r.trackId) ?? 0;
      const recording = recordings.get(r.trackId);
      const why: TempTrackWhy = { picture: round(r.score, 3), pictureWeight, sound: round(cosine, 3), soundWeight, ...(recording ? { recording } : {}) };
      return { ...r, picture: r.score, score: pictureWeight * r.score + soundWeight * cosine, ...(recording ? { offset: recording.offset } : {}), tempTrack: why };
    })
    .sort((a, b) => b.score - a.score || a.trackId - b.trackId);
}

function ranked(library: Library, clip: ClipAnalysis, results: Placed[], basis: FitBasis): RankedClip {
  const summary = clipSummary(clip);
  return {
    file: clip.file,
    start: round(clip.start, 3),
    end: round(clip.start + clip.duration, 3),
    summary: describeClip(summary),
    ...(clip.partial ? { partial: clip.partial } : {}),
    // Shorter than one segment: the encoder read the range's last row repeated over the rest (review T9).
    ...(isShortRange(clip.duration, basis.segmentSeconds) ? { shortRange: { seconds: round(clip.duration, 3), segmentSeconds: basis.segmentSeconds } } : {}),
    results: rank(library, summary, results, basis),
  };
}

/**
 * A section as the user sees it: from its shot cut to the next, not the 0.5 s row edges its part was
 * analysed on (up to a quarter second off the cut). Its summary and why count the cuts inside it (the
 * cut it begins on is its start, not one of its cuts), over its own length.
 */
function asShown(clip: ClipAnalysis, part: ClipAnalysis, s: Section): ClipAnalysis {
  const inside = clip.cuts.filter((c) => c > s.start + CUT_EPS && c < s.end - CUT_EPS).map((c) => c - s.start);
  return { ...part, start: clip.start + s.start, duration: s.end - s.start, cuts: inside };
}
const CUT_EPS = 0.05;

/** Each offset moves with the start (`by` seconds), so the track stays where the match put it against the picture (never before its own start). */
function shiftOffsets(r: RankedClip, by: number): RankedClip {
  return { ...r, results: r.results.map((t) => ({ ...t, offset: round(Math.max(0, t.offset + by), 3) })) };
}

/** Ranked tracks beyond the asked number, so that files missing from disk can be left out and the list stay full. */
const UNAVAILABLE_ROOM = 10;

/** Tracks the indexer flagged near-silent: not music to offer, so never ranked. */
function nearSilent(library: Library): Set<TrackId> {
  return new Set(library.store.trackIds().filter((id) => isNearSilent(library.track(id).summary)));
}

/** Rank the library's tracks for an already analysed clip. */
export async function matchAnalysis(session: MatchSession, clip: ClipAnalysis, opts: MatchClipOptions = {}): Promise<ClipMatch> {
  const { matcher } = session.library;
  const strategy = matcher.resolve(opts.strategy);
  const silent = nearSilent(session.library);
  const topK = opts.topK ?? 10;
  // A track kept while its folder is unreadable or unplugged (review R24) cannot be previewed or
  // exported: left out, checked only among the ranked few (a stat each), with room for some.
  const there = new Map<TrackId, boolean>();
  const onDisk = (id: TrackId): boolean => {
    let yes = there.get(id);
    if (yes === undefined) there.set(id, (yes = existsSync(session.library.track(id).path)));
    return yes;
  };
  // Each keeps its place among the audible tracks, so "#20 of 25" stays true when #3–#19 are away (review R32).
  const offered = (rs: MatchResult[]): Placed[] =>
    rs
      .filter((r) => !silent.has(r.trackId))
      .map((r, i) => ({ ...r, place: i + 1 }))
      .filter((r) => onDisk(r.trackId));
  const room = silent.size + UNAVAILABLE_ROOM;
  // Every audible track is ranked (exactly with the exact strategy; scan and ann align a shortlist, so `top` assumes the rest score lower).
  const basis: FitBasis = { calibration: session.calibration, tracks: session.library.store.trackCount - silent.size, segmentSeconds: session.encoder.segmentSeconds };
  const sync = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onIndexProgress ? { onProgress: opts.onIndexProgress } : {}) };
  const soundtrack = opts.sound ? { soundtrack: { ...opts.sound.view, ...(opts.tempTrack && opts.sound.seq ? { ranked: true } : {}) } } : {};
  if (!opts.sections) {
    const query = await session.encoder.embed(clip, opts.signal);
    if (opts.tempTrack && opts.sound?.seq) {
      // Every track's picture score (the blend can lift any of them), then the blend.
      const similarity = soundSimilarity(await opts.tempTrack.profile(opts.signal), opts.sound.seq, clip.file);
      const picture = await matcher.match(query, { topK: session.library.store.trackCount, strategy }, sync);
      // Described at every phase by the decode that found the music (matchClip asks for them), else decoded once now.
      const phases = opts.sound.phases ?? (await clipSound(session, clip, true, opts.signal)).phases ?? [opts.sound.seq];
      const blended = await tempTrackRanking(session, picture, similarity, phases, clip.start, opts.signal);
      return { ...ranked(session.library, clip, offered(blended).slice(0, topK), basis), ...soundtrack, strategy };
    }
    return { ...ranked(session.library, clip, offered(await matcher.match(query, { topK: topK + room, strategy }, sync)).slice(0, topK), basis), ...soundtrack, strategy };
  }
  const rule = opts.sections === true ? {} : opts.sections;
  const split = splitSections(clip, rule);
  const parts = split.map((s) => sliceClip(clip, s.fromRow, s.toRow));
  const queries = [];
  for (const part of parts) queries.push(await session.encoder.embed(part, opts.signal));
  // The sections share out the tracks on offer, topK each: the room is for the tracks left out, not more places
  // (with --top 1 the section with the highest scores took up to 11 tracks and left the others none). Each
  // keeps its place in its own section's ranking ("3rd of 8": the two before it went to other sections).
  const lists = await matchSections(matcher, queries, { topK, strategy, allowRepeats: opts.allowRepeats ?? false }, sync, { offer: offered, room });
  const sections = parts.map((part, i) => shiftOffsets(ranked(session.library, asShown(clip, part, split[i]), lists[i], basis), clip.start + split[i].start - part.start));
  return { ...ranked(session.library, clip, [], basis), ...soundtrack, sections, strategy };
}

/**
 * Decode, describe, embed and rank one clip file (or its in/out range). A range outside the picture
 * (review R2.3) or shorter than the model judges (review T9; contract/clip-range.ts) is refused:
 * before decoding, the range cut at the picture's end, and after it when the picture stops early.
 */
export async function matchClip(session: MatchSession, file: string, opts: MatchClipOptions = {}): Promise<ClipMatch> {
  // One clip's own music against sections' rankings would need each section's share of it: not asked for yet.
  if (opts.tempTrack && opts.sections) throw usageError('a temp-track ranking ranks the whole clip (or its In–Out range), not sections');
  // analyzeClip refuses a range outside the picture and one too short to judge (app/clip.ts checkJudgeable).
  const clip = await analyzeClip(file, opts.range ?? {}, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.shotCuts ? { shotCuts: opts.shotCuts } : {}), kept: session.clips });
  // The clip's own sound over the same range: said with every ranking, ranked by only when asked (review R3.8).
  const sound = opts.sound ?? (await clipSound(session, clip, opts.tempTrack !== undefined, opts.signal));
  return matchAnalysis(session, clip, { ...opts, sound });
}

/** The clip's own sound over its range, from the session's kept decodes (with the clip's probe: no second ffprobe). */
async function clipSound(session: MatchSession, clip: ClipAnalysis, phased: boolean, signal?: AbortSignal): Promise<ClipSound> {
  const info = clip.info ?? (await probe(clip.file, signal ? { signal } : {}));
  return session.sounds.get(info, clip.start, clip.duration, { phased, ...(signal ? { signal } : {}) });
}
