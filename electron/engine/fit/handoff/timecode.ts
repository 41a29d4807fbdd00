/**
 * Frame rates and SMPTE timecode for the hand-off formats. A rate is kept as a fraction
 * (30000/1001, not 29.97) so FCPXML times stay exact; timecode is non-drop-frame, counted at the
 * rounded rate (the CMX 3600 and FCPXML "NDF" convention).
 */

export interface FrameRate {
  num: number;
  den: number;
}

/** The usual NTSC fractions for a probed rate (29.97 → 30000/1001); integers otherwise. */
export function frameRateOf(fps: number): FrameRate {
  for (const base of [24, 30, 60, 120]) {
    if (Math.abs(fps - (base * 1000) / 1001) < 0.005) return { num: base * 1000, den: 1001 };
  }
  const r = Math.round(fps);
  if (Math.abs(fps - r) < 0.005 && r > 0) return { num: r, den: 1 };
  // An odd rate: keep three decimals as a fraction.
  return { num: Math.round(fps * 1000), den: 1000 };
}

export const fps = (r: FrameRate): number => r.num / r.den;

/** Frames counted per timecode second. */
export const timecodeBase = (r: FrameRate): number => Math.round(r.num / r.den);

/** Nearest whole frame to `seconds`. */
export const toFrames = (seconds: number, r: FrameRate): number => Math.round((seconds * r.num) / r.den);

/** HH:MM:SS:FF (non-drop) of a frame count. */
export function timecode(frames: number, r: FrameRate): string {
  const base = timecodeBase(r);
  const f = Math.max(0, Math.round(frames));
  const ff = f % base;
  const s = Math.floor(f / base);
  const p2 = (x: number): string => String(x).padStart(2, '0');
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}:${p2(ff)}`;
}

/** FCPXML rational time of a frame count: "frames×den/num s", reduced ("0s" for zero). */
export function rationalTime(frames: number, r: FrameRate): string {
  if (frames === 0) return '0s';
  let a = frames * r.den;
  let b = r.num;
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  const g = gcd(Math.abs(a), b);
  a /= g;
  b /= g;
  return b === 1 ? `${a}s` : `${a}/${b}s`;
}
