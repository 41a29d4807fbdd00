import { NeedledropError } from '../errors';
import { Aligner, type RowRun } from './align';
import { SegmentAnn, type AnnOptions, type AnnSyncSource } from './ann';
import { refineOffset } from './beats';
import { topK as topK_ } from './kernels';
import { clipVector, prefilterSlots } from './prefilter';
import { SegmentScan, type ScanOptions } from './scan';
import type { SegmentStore } from './segment-store';
import type { ClipQuery, MatchResult, SyncOptions, TrackId } from './types';

/**
 * Weight of the beat/cut term: score = alignScore + BEAT_WEIGHT · beatShare.
 * beatShare is in [0, 1], so the bonus is at most 0.05 of cosine: it reorders tracks whose
 * content alignment is a near-tie (true and runner-up alignments usually differ by 0.1 or
 * more) but never lets beat luck beat a clearly better fit. Beat trackers also make octave
 * and phase errors, another reason to keep the term a tie-breaker.
 */
export const BEAT_WEIGHT = 0.05;

/**
 * Above this many stored segments `auto` stops aligning every track in full and shortlists
 * them with the int8 scan first. scripts/bench/search.ts (30 s clips, d = 128, 2 cores): the
 * full f32 alignment of every track costs ~0.3–0.4 µs per stored segment on onnxruntime,
 * ~5 ms at 10k but ~40 ms at 100k, while the scan's cost is bounded by its stride.
 */
export const SCAN_THRESHOLD = 20_000;

export type MatchStrategy = 'auto' | 'exact' | 'scan' | 'prefilter' | 'ann';

export interface MatchOptions {
  /** Results returned (default 10). */
  topK?: number;
  /** exact: align every track; scan: align the best int8-scan candidates; prefilter: the best
   *  track-vector candidates; ann: prefilter ∪ HNSW-voted candidates; auto: exact up to
   *  SCAN_THRESHOLD segments, else scan. */
  strategy?: MatchStrategy;
  /** Candidate tracks fully aligned by scan / prefilter / ann (each source); default max(50, 5·topK). */
  candidates?: number;
  beatWeight?: number;
  /** ± seconds around the aligned offset searched for the best beat share; 0 scores exactly there. */
  beatRefine?: number;
  /** Nearest segments fetched per clip segment from the ANN index (default AnnOptions.perSegment, 16). */
  annPerSegment?: number;
  /** Tracks not to return (e.g. already used by another section). */
  exclude?: ReadonlySet<TrackId>;
}

export interface MatcherOptions {
  scanThreshold?: number;
  scan?: ScanOptions;
  /** A scan already in sync with the store (e.g. loaded with its segment index); the matcher owns it from now on. */
  scanner?: SegmentScan;
  ann?: AnnOptions;
  /** onnxruntime intra-op threads for the full alignment; 0 uses every core. */
  threads?: number;
}

/** Ranks the tracks of a SegmentStore for a clip by best temporal alignment plus beat/cut term. */
export class Matcher {
  readonly scanThreshold: number;
  private readonly aligner: Aligner;
  private scanner: SegmentScan | null = null;
  private ann: SegmentAnn | null = null;

  constructor(
    readonly store: SegmentStore,
    private readonly opts: MatcherOptions = {},
  ) {
    this.scanThreshold = opts.scanThreshold ?? SCAN_THRESHOLD;
    this.aligner = new Aligner(store.dim, opts.threads);
    this.scanner = opts.scanner ?? null;
  }

  /** The strategy `auto` resolves to for the store as it is now. */
  resolve(strategy: MatchStrategy = 'auto'): Exclude<MatchStrategy, 'auto'> {
    if (strategy !== 'auto') return strategy;
    return this.store.segmentCount > this.scanThreshold ? 'scan' : 'exact';
  }

  /**
   * Build or update what `strategy` needs now (the scan's int8 copy, or the ANN index);
   * otherwise the first query that needs it does.
   */
  async prepare(opts: SyncOptions = {}, strategy: MatchStrategy = 'auto'): Promise<void> {
    await this.build(this.resolve(strategy), opts);
  }

  /** Build or update the scan or ANN index `strategy` shortlists with, and return it (null for exact and prefilter). */
  private async build(strategy: Exclude<MatchStrategy, 'auto'>, opts: SyncOptions): Promise<SegmentScan | SegmentAnn | null> {
    if (strategy === 'scan') {
      this.scanner ??= new SegmentScan(this.store.dim, this.opts.scan);
      await this.scanner.sync(this.store, opts);
      return this.scanner;
    }
    if (strategy === 'ann') {
      this.ann ??= new SegmentAnn(this.store.dim, this.opts.ann);
      await this.ann.sync(this.store, opts);
      return this.ann;
    }
    return null;
  }

  /** Indexed rows in the ANN index (0 when not built). */
  get annSize(): number {
    return this.ann?.size ?? 0;
  }

  /** Whether the last ANN sync loaded a saved index, built one, or found it current (null before any). */
  get annSource(): AnnSyncSource | null {
    return this.ann?.lastSync ?? null;
  }

  /** Rows kept by the scan (0 when not built). */
  get scanSize(): number {
    return this.scanner?.size ?? 0;
  }

  async match(clip: ClipQuery, opts: MatchOptions = {}, sync: SyncOptions = {}): Promise<MatchResult[]> {
    const store = this.store;
    const d = store.dim;
    const m = clip.embeddings.length / d;
    if (!Number.isInteger(m) || m === 0) {
      throw new NeedledropError('internal', `clip has ${clip.embeddings.length} embedding values, not a positive multiple of dim ${d}`);
    }
    const strategy = this.resolve(opts.strategy);
    const shortlister = await this.build(strategy, sync);
    const topK = opts.topK ?? 10;
    const beatWeight = opts.beatWeight ?? BEAT_WEIGHT;
    const slots = await this.candidates(clip.embeddings, m, strategy, shortlister, topK, opts);
    const runs: RowRun[] = slots.map((slot) => ({ first: store.firstRow(slot), count: store.rowCount(slot) }));
    const alignments = await this.aligner.alignRuns(clip.embeddings, m, store, runs);
    const aligned = slots.map((slot, i) => ({ slot, ...alignments[i] }));
    // Ties in any order: the results are sorted again below, by score then track id.
    aligned.sort((a, b) => b.alignScore - a.alignScore);
    // Beat share ≤ 1, so a track more than beatWeight behind the k-th alignment cannot enter.
    const floor = aligned.length >= topK ? aligned[topK - 1].alignScore - beatWeight : -Infinity;
    const firstStart = clip.firstStart ?? 0;
    const results: MatchResult[] = [];
    for (const a of aligned) {
      if (a.alignScore < floor) break;
      const info = store.infoAt(a.slot);
      const segmentOffset = Math.max(0, store.startsAt(a.slot)[a.start] - firstStart);
      const beat = refineOffset(clip.cuts, info.summary.beats, segmentOffset, opts.beatRefine);
      results.push({
        trackId: store.idAt(a.slot),
        score: a.alignScore + beatWeight * beat.beatShare,
        offset: beat.offset,
        alignScore: a.alignScore,
        beatShare: beat.beatShare,
      });
    }
    results.sort((a, b) => b.score - a.score || a.trackId - b.trackId);
    return results.slice(0, topK);
  }

  /**
   * Tracks that get the full alignment. exact: all of them. Otherwise the best C by a cheaper
   * ranking (fully aligning every track costs trackCount · n · m · d multiply-adds):
   * scan: coarse window score over every track (int8, every stride-th segment);
   * prefilter: cos(clip mean, track vector); ann: prefilter ∪ the C best HNSW-voted tracks.
   */
  private async candidates(
    clip: Float32Array,
    m: number,
    strategy: Exclude<MatchStrategy, 'auto'>,
    shortlister: SegmentScan | SegmentAnn | null,
    topK: number,
    opts: MatchOptions,
  ): Promise<number[]> {
    const store = this.store;
    const exclude = opts.exclude;
    const skip = exclude?.size ? (slot: number) => exclude.has(store.idAt(slot)) : undefined;
    if (strategy === 'exact') {
      const all: number[] = [];
      for (let slot = 0; slot < store.trackCount; slot++) if (!skip?.(slot)) all.push(slot);
      return all;
    }
    const count = opts.candidates ?? Math.max(50, 5 * topK);
    if (shortlister instanceof SegmentScan) return topK_(await shortlister.scores(store, clip, m), count, skip);
    const slots = new Set(prefilterSlots(store, clipVector(clip, m, store.dim), count, skip));
    if (shortlister instanceof SegmentAnn) {
      // Over-ask so excluded tracks do not shrink the candidate set.
      for (const c of shortlister.candidates(clip, m, count + (exclude?.size ?? 0), opts.annPerSegment)) {
        const slot = store.slotOf(c.trackId);
        if (slot >= 0 && !exclude?.has(c.trackId)) slots.add(slot);
      }
    }
    return [...slots];
  }

  /** Free the native search structures (onnxruntime sessions). */
  async release(): Promise<void> {
    await this.aligner.release();
    await this.scanner?.release();
    this.scanner = null;
  }
}
