import { NeedledropError } from '../errors';
import { Aligner, alignAt, subsampleClip } from './align';
import { SegmentAnn, type AnnOptions, type SyncOptions } from './ann';
import { refineOffset } from './beats';
import { topK as topK_ } from './kernels';
import { clipVector, prefilterSlots } from './prefilter';
import type { SegmentStore } from './segment-store';
import type { ClipQuery, MatchResult, TrackId } from './types';

/**
 * Weight of the beat/cut term: score = alignScore + BEAT_WEIGHT · beatShare.
 * beatShare is in [0, 1], so the bonus is at most 0.05 of cosine: it reorders tracks whose
 * content alignment is a near-tie (true and runner-up alignments usually differ by 0.1 or
 * more) but never lets beat luck beat a clearly better fit. Beat trackers also make octave
 * and phase errors, another reason to keep the term a tie-breaker.
 */
export const BEAT_WEIGHT = 0.05;

/**
 * Above this many stored segments `auto` stops scanning every segment exactly and uses the
 * track prefilter ∪ ANN votes as candidates. scripts/bench/search.ts (30 s clips, d = 128, this
 * 2-core machine) measured the exact blocked scan at ~44–51 ms of CPU per query at 10k segments
 * and ~430 ms at 100k: linear at ~4–5 µs per segment, so the 50 ms budget runs out near 10k.
 */
export const ANN_THRESHOLD = 10_000;

/** About this many clip segments (every ⌈m/8⌉-th) give the coarse alignment of prefilter candidates. */
const COARSE_ROWS = 8;

/** Shortlist slack over topK for the exact stage: room for the beat term to reorder near-ties. */
const SHORTLIST_EXTRA = 5;

export type MatchStrategy = 'auto' | 'exact' | 'prefilter' | 'ann';

export interface MatchOptions {
  /** Results returned (default 10). */
  topK?: number;
  /** exact: align every track; prefilter: align the best track-vector candidates only;
   *  ann: prefilter ∪ ANN-voted candidates; auto: exact below ANN_THRESHOLD segments, else ann. */
  strategy?: MatchStrategy;
  /** Candidate tracks from the prefilter (and as many from ANN votes) before the shortlist; default max(50, 5·topK). */
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
  annThreshold?: number;
  ann?: AnnOptions;
}

/** Ranks the tracks of a SegmentStore for a clip by best temporal alignment plus beat/cut term. */
export class Matcher {
  readonly annThreshold: number;
  private readonly aligner = new Aligner();
  private ann: SegmentAnn | null = null;
  private readonly annOptions: AnnOptions;

  constructor(
    readonly store: SegmentStore,
    opts: MatcherOptions = {},
  ) {
    this.annThreshold = opts.annThreshold ?? ANN_THRESHOLD;
    this.annOptions = opts.ann ?? {};
  }

  /** The strategy `auto` resolves to for the store as it is now. */
  resolve(strategy: MatchStrategy = 'auto'): Exclude<MatchStrategy, 'auto'> {
    if (strategy !== 'auto') return strategy;
    return this.store.segmentCount > this.annThreshold ? 'ann' : 'exact';
  }

  /** Build or update the ANN index now (it is otherwise built by the first query that needs it). */
  async prepare(opts: SyncOptions = {}): Promise<void> {
    this.ann ??= new SegmentAnn(this.store.dim, this.annOptions);
    await this.ann.sync(this.store, opts);
  }

  /** Indexed rows in the ANN index (0 when not built). */
  get annSize(): number {
    return this.ann?.size ?? 0;
  }

  async match(clip: ClipQuery, opts: MatchOptions = {}, sync: SyncOptions = {}): Promise<MatchResult[]> {
    const strategy = this.resolve(opts.strategy);
    if (strategy === 'ann') await this.prepare(sync);
    return this.matchNow(clip, { ...opts, strategy });
  }

  /** Synchronous match; `ann` requires `prepare()` to have run since the last store change. */
  matchNow(clip: ClipQuery, opts: MatchOptions = {}): MatchResult[] {
    const store = this.store;
    const d = store.dim;
    const m = clip.embeddings.length / d;
    if (!Number.isInteger(m) || m === 0) {
      throw new NeedledropError('internal', `clip has ${clip.embeddings.length} embedding values, not a positive multiple of dim ${d}`);
    }
    const topK = opts.topK ?? 10;
    const strategy = this.resolve(opts.strategy);
    const beatWeight = opts.beatWeight ?? BEAT_WEIGHT;
    const rows = store.rows();
    const aligned = this.shortlist(clip.embeddings, m, strategy, topK, opts).map((slot) => ({
      slot,
      ...this.aligner.align(clip.embeddings, m, rows, store.firstRow(slot), store.rowCount(slot), d),
    }));
    aligned.sort((a, b) => b.alignScore - a.alignScore || a.slot - b.slot);
    // Beat share ≤ 1, so a track more than beatWeight behind the k-th alignment cannot enter.
    const floor = aligned.length >= topK ? aligned[topK - 1].alignScore - beatWeight : -Infinity;
    const firstStart = clip.firstStart ?? 0;
    const results: MatchResult[] = [];
    for (const a of aligned) {
      if (a.alignScore < floor) break;
      const info = store.infoAt(a.slot);
      const segmentOffset = Math.max(0, store.startsAt(a.slot)[a.start] - firstStart);
      const beat = refineOffset(clip.cuts, info.summary.beats, segmentOffset, opts.beatRefine ?? 0.5);
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
   * Tracks that get the full alignment. exact: all of them. Otherwise two stages, because
   * fully aligning C ≈ 50–100 candidates costs C · n · m · d multiply-adds (~50 M for 30 s
   * clips), more than the whole latency budget:
   * 1. candidates = prefilter top C (track vectors) ∪, for ann, the C best ANN-voted tracks;
   *    each gets a cheap score: ANN candidates at the few window starts their hits propose,
   *    the others by a coarse alignment on every coarseStep-th clip segment;
   * 2. the best topK + SHORTLIST_EXTRA by that score are aligned exactly.
   */
  private shortlist(clip: Float32Array, m: number, strategy: Exclude<MatchStrategy, 'auto'>, topK: number, opts: MatchOptions): number[] {
    const store = this.store;
    const d = store.dim;
    const exclude = opts.exclude;
    const skip = exclude && exclude.size > 0 ? (slot: number) => exclude.has(store.idAt(slot)) : undefined;
    if (strategy === 'exact') {
      const all: number[] = [];
      for (let slot = 0; slot < store.trackCount; slot++) if (!skip?.(slot)) all.push(slot);
      return all;
    }
    const count = opts.candidates ?? Math.max(50, 5 * topK);
    const rows = store.rows();
    const cheap = new Map<number, number>();
    if (strategy === 'ann') {
      if (!this.ann?.inSync(store)) {
        throw new NeedledropError('internal', 'ANN index is not in sync with the segment store: call prepare() first');
      }
      // Over-ask so excluded tracks do not shrink the candidate set.
      for (const c of this.ann.candidates(clip, m, count + (exclude?.size ?? 0), opts.annPerSegment)) {
        const slot = store.slotOf(c.trackId);
        if (slot < 0 || exclude?.has(c.trackId)) continue;
        const n = store.rowCount(slot);
        const last = Math.max(0, n - m);
        let best = -Infinity;
        for (const j of c.starts) {
          if (j >= 0 && j <= last) best = Math.max(best, alignAt(clip, m, rows, store.firstRow(slot), n, j, d));
        }
        cheap.set(slot, best);
      }
    }
    const sub = subsampleClip(clip, m, d, Math.max(1, Math.ceil(m / COARSE_ROWS)));
    for (const slot of prefilterSlots(store, clipVector(clip, m, d), count, skip)) {
      if (cheap.has(slot)) continue;
      cheap.set(slot, this.aligner.coarse(sub, m, rows, store.firstRow(slot), store.rowCount(slot), d).alignScore);
    }
    const slots = [...cheap.keys()];
    const scores = slots.map((slot) => cheap.get(slot) ?? -Infinity);
    return topK_(scores, topK + SHORTLIST_EXTRA).map((i) => slots[i]);
  }
}
