import type { SyncOptions } from './ann';
import type { Matcher, MatchOptions } from './matcher';
import type { ClipQuery, MatchResult, TrackId } from './types';

export interface SectionOptions extends MatchOptions {
  /** Let one track be suggested for several sections (default false). */
  allowRepeats?: boolean;
}

/** Which ranked tracks a section may be offered, beside the ranking itself. */
export interface SectionOffer<T extends MatchResult> {
  /**
   * A section's ranking as the tracks that may be offered, in order (the caller's: audible tracks whose
   * file is there, each with its place); those left out take no section's place. Default: all.
   */
  offer?: (ranked: MatchResult[]) => T[];
  /** Results ranked beyond what the sections need, for the tracks `offer` leaves out (default 0). */
  room?: number;
}

/**
 * Rank music for several clips (or sections of one video). Unless repeats are allowed, no
 * track appears in two sections' lists: all (section, track) pairs are taken greedily by
 * score, so a track goes to the section it fits best and each section still gets its best
 * remaining tracks. Each section is ranked with topK × sections results (and `room` more) so that
 * enough alternatives remain after the others have taken theirs: a section is left short only when
 * the tracks on offer run out. The lists are capped at topK itself, never at topK plus the room
 * (an earlier cap of topK + room let the section with the highest scores take every track of a
 * small library and left the others empty).
 */
export async function matchSections<T extends MatchResult = MatchResult>(
  matcher: Matcher,
  clips: ClipQuery[],
  opts: SectionOptions = {},
  sync: SyncOptions = {},
  { offer = (ranked) => ranked as T[], room = 0 }: SectionOffer<T> = {},
): Promise<T[][]> {
  const topK = opts.topK ?? 10;
  if (opts.allowRepeats || clips.length <= 1) {
    const lists: T[][] = [];
    for (const clip of clips) lists.push(offer(await matcher.match(clip, room ? { ...opts, topK: topK + room } : opts, sync)).slice(0, topK));
    return lists;
  }
  const wide = topK * clips.length + room;
  const ranked: T[][] = [];
  for (const clip of clips) {
    ranked.push(offer(await matcher.match(clip, { ...opts, topK: wide, candidates: opts.candidates ?? Math.max(50, 5 * wide) }, sync)));
  }
  const pairs = ranked.flatMap((list, section) => list.map((result) => ({ section, result })));
  pairs.sort((a, b) => b.result.score - a.result.score || a.section - b.section || a.result.trackId - b.result.trackId);
  const used = new Set<TrackId>();
  const lists: T[][] = clips.map(() => []);
  for (const { section, result } of pairs) {
    if (used.has(result.trackId) || lists[section].length >= topK) continue;
    used.add(result.trackId);
    lists[section].push(result);
  }
  return lists;
}
