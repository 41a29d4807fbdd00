/**
 * The beat grid a fit splices on, refined beyond the tracker's 40 ms frames: beats moved to
 * the attack, the meter and downbeats, and whether the track ends on its own. Pure functions
 * on PCM and per-beat descriptors (no I/O).
 */
import type { BeatDescriptors } from './types';

/** Fine onset envelope: the rise of log energy over ~12 ms, in 64-sample hops (2.9 ms at 22.05 kHz). */
export const FINE_HOP = 64;
const FINE_WIN = 128;
/** Samples from a peak frame's start to the attack it saw (measured on clicks: the window straddles it). */
const ATTACK_LAG = 64;
/** How far from the shifted tracker beat an attack may be: the tracker works on 40 ms frames and may be a frame off. */
const REFINE_WINDOW = 0.03;

export function fineOnsetEnvelope(pcm: Float32Array): Float32Array {
  const frames = Math.max(0, Math.floor((pcm.length - FINE_WIN) / FINE_HOP) + 1);
  const logE = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    const o = f * FINE_HOP;
    // On the first difference: attacks are broadband, while a bass note's energy in a window
    // shorter than its period ripples by tens of dB and would read as attacks.
    for (let i = Math.max(1, o); i < o + FINE_WIN; i++) s += (pcm[i] - pcm[i - 1]) ** 2;
    logE[f] = 10 * Math.log10(s / FINE_WIN + 1e-10);
  }
  // An attack is log energy rising above the last ~12 ms's maximum.
  const env = new Float32Array(frames);
  for (let f = 4; f < frames; f++) {
    let prev = -Infinity;
    for (let k = f - 4; k < f; k++) prev = Math.max(prev, logE[k]);
    env[f] = Math.max(0, logE[f] - prev);
  }
  return env;
}

function peakIn(env: Float32Array, lo: number, hi: number): { at: number; value: number } {
  let at = -1;
  let value = 0;
  for (let f = Math.max(0, lo); f <= Math.min(env.length - 1, hi); f++) {
    if (env[f] > value) [at, value] = [f, env[f]];
  }
  return { at, value };
}

/**
 * Move each beat to its attack. The tracker's beats sit on 40 ms frames and its spectral flux
 * leads the attack by a fairly constant amount, so first the median offset of the strongest
 * attack within ±60 ms is found over all beats, then each beat takes the strongest attack within
 * ±30 ms of (beat + that offset), or keeps the shifted time when there is none.
 */
export function refineBeats(beats: number[], env: Float32Array, sampleRate: number): number[] {
  const hopS = FINE_HOP / sampleRate;
  const frameOf = (t: number): number => Math.round(t / hopS);
  const offsets: number[] = [];
  for (const b of beats) {
    const p = peakIn(env, frameOf(b - 0.06), frameOf(b + 0.06));
    if (p.at >= 0 && p.value > 1) offsets.push(p.at * hopS - b);
  }
  offsets.sort((a, b) => a - b);
  const shift = offsets.length ? offsets[Math.floor(offsets.length / 2)] : 0;
  const out: number[] = [];
  for (const b of beats) {
    const c = b + shift;
    const p = peakIn(env, frameOf(c - REFINE_WINDOW), frameOf(c + REFINE_WINDOW));
    const t = p.at >= 0 && p.value > 1 ? p.at * hopS + ATTACK_LAG / sampleRate : c;
    const last = out[out.length - 1];
    if (t >= 0 && (last === undefined || t > last + 0.05)) out.push(Math.round(t * 10000) / 10000);
  }
  return out;
}

/** Mean and standard deviation. */
function stats(x: ArrayLike<number>): { mean: number; sd: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length || 1;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / (x.length || 1)) || 1 };
}

export function chromaCosine(c: Float32Array, a: number, b: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < 12; i++) {
    ab += c[a * 12 + i] * c[b * 12 + i];
    aa += c[a * 12 + i] ** 2;
    bb += c[b * 12 + i] ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 1;
}

/**
 * Meter and downbeat phase: bars start where the harmony changes and the attacks are strongest.
 * Each (beats per bar, phase) is scored by how much the standardised chroma change plus attack
 * strength on its downbeats exceeds the other beats'; 3/4 must win clearly (most music is in 4).
 */
export function estimateMeter(f: BeatDescriptors): { beatsPerBar: number; phase: number } {
  const n = f.rmsDb.length;
  if (n < 8) return { beatsPerBar: 4, phase: 0 };
  const change = new Float64Array(n);
  for (let k = 1; k < n; k++) change[k] = 1 - chromaCosine(f.chroma, k - 1, k);
  const cs = stats(change);
  const os = stats(f.onset);
  const salience = Array.from({ length: n }, (_, k) => (change[k] - cs.mean) / cs.sd + (0.5 * (f.onset[k] - os.mean)) / os.sd);
  let best = { beatsPerBar: 4, phase: 0, score: -Infinity };
  for (const m of [4, 3]) {
    for (let phase = 0; phase < m; phase++) {
      let on = 0;
      let onN = 0;
      let off = 0;
      let offN = 0;
      for (let k = 1; k < n; k++) {
        if ((k - phase) % m === 0) [on, onN] = [on + salience[k], onN + 1];
        else [off, offN] = [off + salience[k], offN + 1];
      }
      const score = on / (onN || 1) - off / (offN || 1) - (m === 3 ? 0.25 : 0);
      if (score > best.score) best = { beatsPerBar: m, phase, score };
    }
  }
  return { beatsPerBar: best.beatsPerBar, phase: best.phase };
}

/** RMS in dB of pcm[a, b). */
export function rmsDb(pcm: Float32Array, a: number, b: number): number {
  const lo = Math.max(0, Math.floor(a));
  const hi = Math.min(pcm.length, Math.floor(b));
  let s = 0;
  for (let i = lo; i < hi; i++) s += pcm[i] * pcm[i];
  return hi > lo ? Math.max(-100, 10 * Math.log10(s / (hi - lo) + 1e-12)) : -100;
}

/** The sample after the last one above −80 dBFS (trailing digital silence dropped). */
export function musicEndSample(pcm: Float32Array): number {
  let last = pcm.length;
  while (last > 0 && Math.abs(pcm[last - 1]) < 1e-4) last--;
  return last;
}

/**
 * Where the music stops (trailing digital silence dropped) and whether it ends on its own: the
 * last quarter second is at least 12 dB below the track's loud level (the 80th percentile of
 * per-beat levels) when the music decays or fades out; a file cut off mid-music ends loud.
 */
export function detectEnding(pcm: Float32Array, sampleRate: number, beatRmsDb: ArrayLike<number>): { end: number; hasEnding: boolean } {
  const last = musicEndSample(pcm);
  const end = last / sampleRate;
  const levels = Array.from(beatRmsDb).sort((a, b) => a - b);
  const loud = levels.length ? levels[Math.floor(0.8 * (levels.length - 1))] : -100;
  const tail = rmsDb(pcm, last - 0.25 * sampleRate, last);
  return { end, hasEnding: last > 0 && tail < loud - 12 };
}
