/**
 * The clip preview's one clock: the video is the master, the track follows it from the match's
 * offset. Pure maps between clip time and track time, used by the player and the timeline.
 */

/** Where in the track we are when the clip is at `clipTime`; the match placed `offset` at `rangeStart`. */
export function trackTimeAt(clipTime: number, rangeStart: number, offset: number): number {
  return offset + (clipTime - rangeStart);
}

/** The track's beats as clip times that fall inside the clip. */
export function beatMarkers(beats: readonly number[], offset: number, rangeStart: number, clipDuration: number): number[] {
  const out: number[] = [];
  for (const b of beats) {
    const t = b - offset + rangeStart;
    if (t >= 0 && t <= clipDuration) out.push(t);
  }
  return out;
}

/** One beat in seconds: the median gap between beats, else from the tempo, else null. */
export function beatPeriod(beats: readonly number[], bpm: number | null): number | null {
  if (beats.length >= 2) {
    const gaps = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length / 2)];
  }
  return bpm && bpm > 0 ? 60 / bpm : null;
}

/** The offset moved by whole beats (never before the track's start). */
export function nudgeOffset(offset: number, beats: number, period: number | null): number {
  if (period === null) return offset;
  return Math.max(0, Math.round((offset + beats * period) * 1000) / 1000);
}

/** How far the follower may drift before it is re-seeked (audible slips start near 40–80 ms). */
export const MAX_DRIFT_S = 0.06;

export interface MediaLike {
  currentTime: number;
  paused: boolean;
  playbackRate: number;
  play(): Promise<void> | void;
  pause(): void;
}

/**
 * Keep the follower (the track's <audio>) on the master's (the clip's <video>) clock: same
 * play/pause state and rate, and re-seek when it drifts. Call on every master event and frame.
 */
export function follow(master: MediaLike, follower: MediaLike, rangeStart: number, offset: number, trackDuration: number, rangeEnd?: number): void {
  const target = trackTimeAt(master.currentTime, rangeStart, offset);
  // With an Out point the track is heard from In to Out only, as the export writes it (review R2.13).
  const inRange = rangeEnd === undefined || (master.currentTime >= rangeStart && master.currentTime < rangeEnd);
  const inside = inRange && target >= 0 && target < trackDuration;
  if (!inside) {
    if (!follower.paused) follower.pause();
    return;
  }
  if (follower.playbackRate !== master.playbackRate) follower.playbackRate = master.playbackRate;
  if (Math.abs(follower.currentTime - target) > MAX_DRIFT_S) follower.currentTime = target;
  if (master.paused && !follower.paused) follower.pause();
  else if (!master.paused && follower.paused) void Promise.resolve(follower.play()).catch(() => {});
}
