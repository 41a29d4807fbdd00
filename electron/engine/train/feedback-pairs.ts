/**
 * Training pairs from match feedback: an accepted (clip range, track, offset) gives window i of the
 * clip's pictures ↔ window i of the track's stored audio descriptors from the offset on (the
 * catalog's features: no re-decoding of the track). A rejected one gives the same windows as hard
 * negatives (hard-negatives.ts: pushed apart during fine-tuning). Split by the clip's path, like edits.
 * A clip is one class whatever judged it: two tracks accepted for it are both its positives, and a
 * judged clip that is also an edit joins the edit's class and split (its pictures in one split).
 */
import { createHash } from 'node:crypto';
import { judgementProblem, type Feedback } from '../catalog/feedback';
import type { Split } from '../corpus/types';
import { extractVideoFeatures } from '../features/video';
import { probe } from '../media/probe';
import type { FeatureSeq } from '../features/types';
import type { PairSample } from './dataset';
import { alignedPairs, clipClass, HELD_OUT_SHARE, type SkippedVideo } from './edits';
import { errorMessage } from '../util/error-message';

/** One accept/reject judgement as the catalog stores it. */
export type FeedbackJudgement = Feedback;

export interface FeedbackPairs {
  /** Accepted judgements' windows: positives. */
  pairs: PairSample[];
  /** Rejected judgements' windows, aligned the same way: hard negatives. */
  negatives: PairSample[];
  accepted: number;
  rejected: number;
  skipped: SkippedVideo[];
}

/** Rows of `seq` from file time `from` on (the track's music under the clip starts at the offset). */
function rowsFrom(seq: FeatureSeq, from: number): FeatureSeq {
  const first = Math.max(0, Math.min(seq.T, Math.round((from - seq.start) / seq.step)));
  return { ...seq, T: seq.T - first, start: seq.start + first * seq.step, data: seq.data.subarray(first * seq.D) };
}

/** A clip's split: a hash of its path (the same clip is always on the same side). */
export const splitOf = (clipPath: string): Split => (createHash('sha256').update(clipPath).digest().readUInt32BE(0) / 2 ** 32 < HELD_OUT_SHARE ? 'val' : 'train');

/** The name of a catalogued track as a source of music (PairSample.musicSource). */
export const trackSource = (trackId: number): string => `track ${trackId}`;

/** The track id of a trackSource name; undefined for another source (an edit's own soundtrack). */
export function trackIdOf(source: string): number | undefined {
  const m = /^track (\d+)$/.exec(source);
  return m ? Number(m[1]) : undefined;
}

/**
 * Why a judgement gives no window, naming what is short (review R1.3: a 5 s track under a 30 s clip
 * read "shorter than one window", blaming the clip): the track from its offset, or the clip range.
 */
function tooShort(r: FeedbackJudgement, music: FeatureSeq, video: FeatureSeq, window: number, name: string | undefined): string {
  const seconds = (seq: FeatureSeq, rows: number): string => `${(rows * seq.step).toFixed(1)} s`;
  const one = `one ${seconds(music, window)} window`;
  // The music left after the offset, to the end of the track's last descriptor step.
  const left = Math.max(0, music.start + music.T * music.step - r.offset);
  if (music.T < window) return `the track is too short: track ${r.trackId}${name ? ` (${name})` : ''} has ${left.toFixed(1)} s from its offset ${r.offset.toFixed(1)} s, fewer than ${one}, so this judgement cannot train`;
  return `the clip range is too short: ${seconds(video, video.T)} of pictures, fewer than ${one}, so this judgement cannot train`;
}

/**
 * Accepted judgements as pairs of their clip's class (clipClass); rejected ones as negative window
 * pairs. `trackAudio` returns a track's stored audio descriptors (undefined when the track has
 * none); `splits` holds clips whose split is already decided (the edits'), which judgements keep.
 */
export async function feedbackPairs(
  rows: readonly FeedbackJudgement[],
  trackAudio: (trackId: number) => FeatureSeq | undefined,
  opts: { window: number; hop: number; splits?: ReadonlyMap<string, Split>; signal?: AbortSignal; trackName?: (trackId: number) => string | undefined },
): Promise<FeedbackPairs> {
  const pairs: PairSample[] = [];
  const negatives: PairSample[] = [];
  const skipped: SkippedVideo[] = [];
  for (const r of rows) {
    const label = `${r.clipPath} (track ${r.trackId} at ${r.offset.toFixed(1)} s)`;
    const audio = trackAudio(r.trackId);
    if (!audio) {
      skipped.push({ file: label, reason: 'the track has no stored audio descriptors (re-index the library)' });
      continue;
    }
    const start = r.clipStart ?? 0;
    let video;
    try {
      const info = await probe(r.clipPath, opts.signal ? { signal: opts.signal } : {});
      // Judgements recorded before feedback.record checked them may hold a range or offset that cannot be.
      const problem = judgementProblem(r, info.duration, audio.start + audio.T * audio.step);
      if (problem) {
        skipped.push({ file: label, reason: 'range' in problem ? `bad range: ${problem.range}` : `bad offset: ${problem.offset}` });
        continue;
      }
      video = await extractVideoFeatures(r.clipPath, { start, ...(r.clipEnd != null ? { duration: r.clipEnd - start } : {}), info, signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      skipped.push({ file: label, reason: `clip unreadable (${errorMessage(err)})` });
      continue;
    }
    const music = rowsFrom(audio, r.offset);
    const T = Math.min(video.seq.T, music.T);
    if (T < opts.window) {
      skipped.push({ file: label, reason: tooShort(r, music, video.seq, opts.window, opts.trackName?.(r.trackId)) });
      continue;
    }
    // No summary is stored with catalog features; the trainer and the evaluation never read it.
    const summary = undefined as unknown as PairSample['audio']['summary'];
    const split = opts.splits?.get(r.clipPath) ?? splitOf(r.clipPath);
    const windows = alignedPairs(r.clipPath, clipClass(r.clipPath), split, video, { seq: music, summary }, T, opts).map((p) => ({ ...p, musicSource: trackSource(r.trackId) }));
    (r.verdict === 'accept' ? pairs : negatives).push(...windows);
  }
  const accepted = rows.filter((r) => r.verdict === 'accept').length;
  return { pairs, negatives, accepted, rejected: rows.length - accepted, skipped };
}
