/**
 * What feedback.record checks before a judgement is stored (review S5: a judgement of /etc/passwd,
 * a range from 50 s to 2 s and an offset of 5000 s into a 2-minute track were all stored, and
 * fine-tuning skipped them much later): the clip is a readable video the front may read (the
 * caller's path guard), its range lies in the clip, the track is catalogued and the offset in it.
 */
import { EngineError } from '../../contract/errors';
import type { ParsedRequest } from '../../contract/operations';
import type { Catalog } from '../catalog/db';
import { judgementProblem, type Feedback, type JudgementKey } from '../catalog/feedback';
import { getTrack } from '../catalog/tracks';
import { probe } from '../media/probe';

/** The judgement to store for a request whose clip the path guard let through as `clip`; throws the contract's errors. */
export async function checkedJudgement(catalog: Catalog, clip: string, f: ParsedRequest<'feedback.record'>): Promise<Feedback> {
  const track = getTrack(catalog, f.trackId);
  if (!track) throw new EngineError({ code: 'not-found', message: `track ${f.trackId} is not in the catalog` });
  const start = f.start ?? 0;
  if (f.end != null && !(f.end > start)) throw new EngineError({ code: 'invalid-request', message: `feedback.record: the clip range ends at ${f.end} s, not after its start ${start} s` });
  // Missing, unreadable or not media: the probe's own input error, naming the file.
  const info = await probe(clip);
  if (!info.streams.some((s) => s.type === 'video' && !s.attachedPic)) {
    throw new EngineError({ code: 'bad-input', file: clip, message: `${clip}: has no video stream: feedback judges a track under a video clip` });
  }
  // A track whose length was not probed (0) is not held to one.
  const problem = judgementProblem({ clipStart: start, clipEnd: f.end ?? null, offset: f.offset }, info.duration, track.duration > 0 ? track.duration : Infinity);
  if (problem && 'range' in problem) throw new EngineError({ code: 'bad-input', file: clip, message: `${clip}: ${problem.range}` });
  if (problem) throw new EngineError({ code: 'bad-input', file: track.path, message: `${track.path} (track ${track.id}): ${problem.offset}` });
  return {
    clipPath: clip,
    clipStart: f.start ?? null,
    clipEnd: storedEnd(f.end, info.duration),
    trackId: f.trackId,
    offset: f.offset,
    verdict: f.verdict,
  };
}

/** An end on the descriptor grid past the last frame is stored as the clip's end. */
const storedEnd = (end: number | null | undefined, clipSeconds: number): number | null => (end == null ? null : Math.min(end, clipSeconds));

/**
 * The judgement a feedback.withdraw names, keyed as feedback.record stored it (review R2.10): the
 * clip the path guard let through, its range with the end clamped to the clip as recorded. A clip
 * that cannot be read any more is keyed by the end as given.
 */
export async function judgementKeyOf(clip: string, f: ParsedRequest<'feedback.withdraw'>): Promise<JudgementKey> {
  const seconds = await probe(clip).then(
    (info) => info.duration,
    () => Infinity,
  );
  return { clipPath: clip, clipStart: f.start ?? null, clipEnd: storedEnd(f.end, seconds), trackId: f.trackId };
}
