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

/** How far a paused follower may sit from the master before it is re-seeked (audible slips start near 40–80 ms). */
export const MAX_DRIFT_S = 0.06;
/**
 * While playing, drift up to this is taken back by the follower's rate, without a seek: a seek of a
 * streamed track stalls it for longer than a frame (an Ogg over the bridge: Range requests), and
 * re-seeking on every frame past 60 ms was a seek storm, 40 seeks in 5.6 s (review R3.2).
 */
export const SEEK_DRIFT_S = 0.2;
/** The most the follower's rate is moved off the master's to catch up (a few % is not heard as pitch). */
export const MAX_RATE_NUDGE = 0.05;
/** The catch-up rate per second of drift: 0.1 s behind plays 5 % fast (in whole %, so under 20 ms is left alone). */
const NUDGE_PER_S = 0.5;
/** The longest stall a seek is assumed to take (a seek's lead is capped by it). */
const MAX_LEAD_S = 1;
/** HTMLMediaElement.HAVE_FUTURE_DATA: the follower can play on from where it is. */
const HAVE_FUTURE_DATA = 3;

export interface MediaLike {
  currentTime: number;
  paused: boolean;
  playbackRate: number;
  /** True from a seek until the element has data at the new time. */
  seeking: boolean;
  readyState: number;
  play(): Promise<void> | void;
  pause(): void;
}

/** What the follower's last seeks cost: the master's time when one was asked, and how far the master moved before the follower could play. */
interface SeekState {
  askedAt: number | null;
  lead: number;
}
const seeks = new WeakMap<MediaLike, SeekState>();

/**
 * Keep the follower (the track's <audio>) on the master's (the clip's <video>) clock: same
 * play/pause state and rate. Call on every master event and frame, and on the follower's `seeked`.
 * Drift is corrected without a seek storm (review R3.2): no new seek while the follower is still
 * seeking or waiting for data; while playing, small drift is taken back by a few % of rate, and a
 * seek (past SEEK_DRIFT_S: a scrub, a splice) aims ahead by what the last seek stalled, so the
 * follower lands in step instead of behind by the stall and seeking again.
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
  let state = seeks.get(follower);
  if (!state) seeks.set(follower, (state = { askedAt: null, lead: 0 }));
  const ready = !follower.seeking && follower.readyState >= HAVE_FUTURE_DATA;
  // A seek asked elsewhere (a track chosen, the offset nudged) is measured too.
  if (follower.seeking && state.askedAt === null && !master.paused) state.askedAt = master.currentTime;
  if (ready && state.askedAt !== null) {
    // The seek asked last has landed: the master moved this far meanwhile, the next seek's lead (a scrub of the master in between is no measure).
    const stall = master.currentTime - state.askedAt;
    if (!master.paused && stall >= 0 && stall <= MAX_LEAD_S) state.lead = stall;
    state.askedAt = null;
  }
  const drift = follower.currentTime - target;
  let rate = master.playbackRate;
  if (master.paused) {
    // Stepping or scrubbing a paused clip: the track is put exactly there, once its last seek landed.
    if (!follower.seeking && Math.abs(drift) > MAX_DRIFT_S) follower.currentTime = target;
  } else if (Math.abs(drift) > SEEK_DRIFT_S) {
    if (ready) {
      follower.currentTime = Math.max(0, target + state.lead);
      state.askedAt = master.currentTime;
    }
  } else if (ready) {
    // Behind: a little faster; ahead: a little slower; in whole percent, so the rate is not set on every frame.
    const nudge = Math.max(-MAX_RATE_NUDGE, Math.min(MAX_RATE_NUDGE, Math.trunc(-drift * NUDGE_PER_S * 100) / 100));
    rate = master.playbackRate * (1 + nudge);
  }
  if (follower.playbackRate !== rate) follower.playbackRate = rate;
  if (master.paused && !follower.paused) follower.pause();
  else if (!master.paused && follower.paused) void Promise.resolve(follower.play()).catch(() => {});
}
