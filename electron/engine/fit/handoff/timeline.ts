/** What the hand-off formats describe: the clip, the remix under it, and the markers. */
import type { FitPlan } from '../types';
import type { FrameRate } from './timecode';

export interface MediaRef {
  /** Path as written into the document (relative to the document where the format allows). */
  path: string;
  /** Absolute path (for formats that need a URL). */
  absolute: string;
  name: string;
}

export interface HandoffTimeline {
  title: string;
  rate: FrameRate;
  clip: MediaRef & {
    /** Clip seconds of the in point (0 = the file's start). */
    in: number;
    /** The video's own length, seconds. */
    fileDuration: number;
    width: number;
    height: number;
  };
  remix: MediaRef & { sampleRate: number; channels: number };
  track: MediaRef;
  plan: FitPlan;
  /** Shot cuts, output seconds. */
  cuts: number[];
}

export interface Marker {
  kind: 'beat' | 'downbeat' | 'splice' | 'cut';
  /** Output seconds. */
  time: number;
  label: string;
}

/** Every marker, in time order: beats (downbeats as their own kind), splices, shot cuts. */
export function markers(t: HandoffTimeline): Marker[] {
  const down = new Set(t.plan.downbeats.map((x) => x.toFixed(4)));
  const out: Marker[] = [];
  let bar = 0;
  for (const b of t.plan.beats) {
    if (down.has(b.toFixed(4))) out.push({ kind: 'downbeat', time: b, label: `Bar ${++bar}` });
    else out.push({ kind: 'beat', time: b, label: 'Beat' });
  }
  t.plan.splices.forEach((s, i) => out.push({ kind: 'splice', time: s.time, label: `Splice ${i + 1} (score ${s.score.toFixed(2)})` }));
  t.cuts.forEach((c, i) => out.push({ kind: 'cut', time: c, label: `Shot ${i + 2}` }));
  return out.filter((m) => m.time >= 0 && m.time < t.plan.duration).sort((a, b) => a.time - b.time);
}
