import type { SyncOptions } from './ann';
import type { Matcher, MatchOptions } from './matcher';
import type { ClipQuery, MatchResult, TrackId } from './types';

export interface SectionOptions extends MatchOptions {
  /** Let one track be suggested for several sections (default false). */
  allowRepeats?: boolean;
}

/**
 * Rank music for several clips (or sections of one video). Unless repeats are allowed, no
 * track appears in two sections' lists: all (section, track) pairs are taken greedily by
 * score, so a track goes to the section it fits best and each section still gets its best
 * remaining tracks. Each section is ranked with topK × sections results so that enough
 * alternatives remain after the others have taken theirs.
 */
export async function matchSections(
  matcher: Matcher,
  clips: ClipQuery[],
  opts: SectionOptions = {},
  sync: SyncOptions = {},
): Promise<MatchResult[][]> {
  const topK = opts.topK ?? 10;
  if (opts.allowRepeats || clips.length <= 1) {
    const lists: MatchResult[][] = [];
    for (const clip of clips) lists.push(await matcher.match(clip, opts, sync));
    return lists;
  }
  const wide = topK * clips.length;
  const ranked: MatchResult[][] = [];
  for (const clip of clips) {
    ranked.push(await matcher.match(clip, { ...opts, topK: wide, candidates: opts.candidates ?? Math.max(50, 5 * wide) }, sync));
  }
  const pairs = ranked.flatMap((list, section) => list.map((result) => ({ section, result })));
  pairs.sort((a, b) => b.result.score - a.result.score || a.section - b.section || a.result.trackId - b.result.trackId);
  const used = new Set<TrackId>();
  const lists: MatchResult[][] = clips.map(() => []);
  for (const { section, result } of pairs) {
    if (used.has(result.trackId) || lists[section].length >= topK) continue;
    used.add(result.trackId);
    lists[section].push(result);
  }
  return lists;
}
