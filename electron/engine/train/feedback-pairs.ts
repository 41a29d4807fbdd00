/**
 * Training pairs from match feedback: an accepted (clip range, track, offset) gives window i of the
 * clip's pictures ↔ window i of the track's stored audio descriptors from the offset on (the
 * catalog's features: no re-decoding of the track). Rejected judgements are counted and returned
 * for reporting; they are not yet used as hard negatives. Split by the clip's path, like edits.
 */
import { createHash } from 'node:crypto';
import type { Feedback } from '../catalog/feedback';
import type { Split } from '../corpus/types';
import { extractVideoFeatures } from '../features/video';
import type { FeatureSeq } from '../features/types';
import type { PairSample } from './dataset';
import { alignedPairs, HELD_OUT_SHARE, type SkippedVideo } from './edits';

/** One accept/reject judgement as the catalog stores it. */
export type FeedbackJudgement = Feedback;

export interface FeedbackPairs {
  pairs: PairSample[];
  accepted: number;
  rejected: number;
  skipped: SkippedVideo[];
}

/** Rows of `seq` from file time `from` on (the track's music under the clip starts at the offset). */
function rowsFrom(seq: FeatureSeq, from: number): FeatureSeq {
  const first = Math.max(0, Math.min(seq.T, Math.round((from - seq.start) / seq.step)));
  return { ...seq, T: seq.T - first, start: seq.start + first * seq.step, data: seq.data.subarray(first * seq.D) };
}

const splitOf = (clipPath: string): Split => (createHash('sha256').update(clipPath).digest().readUInt32BE(0) / 2 ** 32 < HELD_OUT_SHARE ? 'val' : 'train');

/**
 * Accepted judgements as pairs, each its own class (numbered from `firstClass`). `trackAudio`
 * returns a track's stored audio descriptors (undefined when the track has none).
 */
export async function feedbackPairs(
  rows: readonly FeedbackJudgement[],
  trackAudio: (trackId: number) => FeatureSeq | undefined,
  opts: { window: number; hop: number; firstClass: number; signal?: AbortSignal },
): Promise<FeedbackPairs> {
  const pairs: PairSample[] = [];
  const skipped: SkippedVideo[] = [];
  const accepted = rows.filter((r) => r.verdict === 'accept');
  for (const [i, r] of accepted.entries()) {
    const label = `${r.clipPath} (track ${r.trackId} at ${r.offset.toFixed(1)} s)`;
    const audio = trackAudio(r.trackId);
    if (!audio) {
      skipped.push({ file: label, reason: 'the track has no stored audio descriptors (re-index the library)' });
      continue;
    }
    let video;
    try {
      const start = r.clipStart ?? 0;
      video = await extractVideoFeatures(r.clipPath, { start, ...(r.clipEnd != null ? { duration: r.clipEnd - start } : {}), signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      skipped.push({ file: label, reason: `clip unreadable (${err instanceof Error ? err.message : String(err)})` });
      continue;
    }
    const music = rowsFrom(audio, r.offset);
    const T = Math.min(video.seq.T, music.T);
    if (T < opts.window) {
      skipped.push({ file: label, reason: `shorter than one window (${T} of ${opts.window} steps)` });
      continue;
    }
    // No summary is stored with catalog features; the trainer and the evaluation never read it.
    const summary = undefined as unknown as PairSample['audio']['summary'];
    pairs.push(...alignedPairs(r.clipPath, opts.firstClass + i, splitOf(r.clipPath), video, { seq: music, summary }, T, opts));
  }
  return { pairs, accepted: accepted.length, rejected: rows.length - accepted.length, skipped };
}
