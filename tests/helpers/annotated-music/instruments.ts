/**
 * Synthesised instruments for the annotated tempo/key test set (development only). Each one adds
 * a note into a mono buffer at a sample offset; amplitudes are peak-ish linear, mixed by the
 * arranger. Independent of the corpus generator: physical/additive models, not its voices.
 */
import type { Rng } from '../../../electron/engine/metric/prng';

export interface Voice {
  out: Float32Array;
  rate: number;
  rng: Rng;
}

const TAU = 2 * Math.PI;

export const midiHz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12);

function span(v: Voice, at: number, seconds: number): [number, number] {
  const a = Math.min(v.out.length, Math.max(0, Math.round(at * v.rate)));
  return [a, Math.min(v.out.length, a + Math.round(seconds * v.rate))];
}

/** Kick: a sine swept from ~140 Hz down to ~48 Hz with a click, exponential decay. */
export function kick(v: Voice, at: number, gain: number): void {
  const [a, b] = span(v, at, 0.45);
  let phase = 0;
  for (let i = a; i < b; i++) {
    const t = (i - a) / v.rate;
    const f = 48 + 95 * Math.exp(-t / 0.035);
    phase += (TAU * f) / v.rate;
    const click = t < 0.004 ? (v.rng.next() * 2 - 1) * 0.3 * (1 - t / 0.004) : 0;
    v.out[i] += gain * (Math.sin(phase) * Math.exp(-t / 0.14) + click);
  }
}

/** Snare: a 185 Hz body plus band-limited noise (first difference of white noise, smoothed once). */
export function snare(v: Voice, at: number, gain: number): void {
  const [a, b] = span(v, at, 0.3);
  let prev = 0;
  let lp = 0;
  for (let i = a; i < b; i++) {
    const t = (i - a) / v.rate;
    const w = v.rng.next() * 2 - 1;
    const hp = w - prev;
    prev = w;
    lp += 0.5 * (hp - lp);
    const body = Math.sin(TAU * 185 * t) * Math.exp(-t / 0.05);
    v.out[i] += gain * (0.45 * body + 0.7 * lp * Math.exp(-t / 0.07));
  }
}

/** Hi-hat: high-passed noise (second difference), short decay; `open` rings longer. */
export function hat(v: Voice, at: number, gain: number, open = false): void {
  const [a, b] = span(v, at, open ? 0.35 : 0.08);
  let p1 = 0;
  let p2 = 0;
  const tau = open ? 0.12 : 0.022;
  for (let i = a; i < b; i++) {
    const t = (i - a) / v.rate;
    const w = v.rng.next() * 2 - 1;
    const hp = w - 2 * p1 + p2;
    p2 = p1;
    p1 = w;
    v.out[i] += gain * 0.25 * hp * Math.exp(-t / tau);
  }
}

/** Karplus–Strong plucked string: a noise burst recirculating through a damped two-point average. */
export function pluck(v: Voice, at: number, midi: number, seconds: number, gain: number, brightness = 0.5): void {
  const [a, b] = span(v, at, seconds);
  const period = v.rate / midiHz(midi);
  const n = Math.max(2, Math.floor(period));
  const frac = period - n;
  const line = new Float64Array(n + 1);
  // Pick position filter: a softer excitation for lower brightness.
  let s = 0;
  for (let i = 0; i <= n; i++) {
    s += (1 - brightness * 0.5) * ((v.rng.next() * 2 - 1) - s);
    line[i] = s;
  }
  const decay = Math.pow(0.001, 1 / (seconds * midiHz(midi))) ** 0.5;
  let idx = 0;
  let ap = 0;
  const c = (1 - frac) / (1 + frac);
  let prevIn = 0;
  for (let i = a; i < b; i++) {
    const cur = line[idx];
    const next = line[(idx + 1) % (n + 1)];
    const avg = decay * 0.5 * (cur + next);
    // First-order all-pass for the fractional part of the period (keeps the string in tune).
    const y = c * avg + prevIn - c * ap;
    prevIn = avg;
    ap = y;
    line[idx] = y;
    idx = (idx + 1) % (n + 1);
    const fade = i > b - 200 ? (b - i) / 200 : 1;
    v.out[i] += gain * cur * fade;
  }
}

/**
 * Piano-like tone: additive partials with string inharmonicity (f_n = n f0 √(1 + B n²)), a
 * 1/n^1.3 spectrum, faster decay for higher partials, and a short hammer thump.
 */
export function piano(v: Voice, at: number, midi: number, seconds: number, gain: number): void {
  const [a, b] = span(v, at, seconds);
  const f0 = midiHz(midi);
  const B = 0.00012 * 2 ** ((midi - 48) / 24);
  const partials: { f: number; amp: number; tau: number; ph: number }[] = [];
  for (let n = 1; n <= 14; n++) {
    const f = n * f0 * Math.sqrt(1 + B * n * n);
    if (f > v.rate / 2 - 500) break;
    partials.push({ f, amp: 1 / n ** 1.3, tau: (1.8 * 220) / (f0 + 220) / (1 + 0.35 * (n - 1)), ph: v.rng.next() * TAU });
  }
  const attackLen = 0.003 * v.rate;
  const releaseLen = 0.05 * v.rate;
  const env = new Float64Array(b - a);
  for (let i = a; i < b; i++) env[i - a] = gain * 0.6 * Math.min(1, (i - a) / attackLen) * Math.min(1, (b - i) / releaseLen);
  // Each partial is a damped phasor advanced by one complex multiplication per sample.
  for (const p of partials) addDampedSine(v.out, a, env, p.f / v.rate, Math.exp(-1 / (p.tau * v.rate)), p.amp, p.ph);
}

/** out[a + i] += env[i] · amp · r^i · sin(2π f i + ph): a decaying partial without per-sample sin/exp. */
function addDampedSine(out: Float32Array, a: number, env: Float64Array, f: number, r: number, amp: number, ph: number): void {
  const c = r * Math.cos(TAU * f);
  const s = r * Math.sin(TAU * f);
  let re = amp * Math.cos(ph);
  let im = amp * Math.sin(ph);
  for (let i = 0; i < env.length; i++) {
    out[a + i] += env[i] * im;
    const nre = re * c - im * s;
    im = re * s + im * c;
    re = nre;
  }
}

/** Pad: three detuned band-limited saws with a slow attack and release (no sharp onset). */
export function pad(v: Voice, at: number, midi: number, seconds: number, gain: number): void {
  const [a, b] = span(v, at, seconds);
  const f0 = midiHz(midi);
  const detune = [-0.006, 0, 0.007];
  const harmonics = Math.max(1, Math.min(8, Math.floor(3000 / f0)));
  const len = b - a;
  const env = new Float64Array(len);
  for (let i = 0; i < len; i++) env[i] = (gain * 0.25 * Math.min(1, i / (0.35 * v.rate)) * Math.min(1, (len - i) / (0.3 * v.rate))) / detune.length;
  for (const d of detune) {
    const ph = v.rng.next() * TAU;
    for (let h = 1; h <= harmonics; h++) addDampedSine(v.out, a, env, (f0 * (1 + d) * h) / v.rate, 1, 1 / (h * 1.4), ph * h);
  }
}

/** Electric-bass-like tone: fundamental and two harmonics, a quick pluck envelope. */
export function bass(v: Voice, at: number, midi: number, seconds: number, gain: number): void {
  const [a, b] = span(v, at, seconds);
  const f0 = midiHz(midi);
  for (let i = a; i < b; i++) {
    const t = (i - a) / v.rate;
    const env = Math.min(1, t / 0.006) * Math.exp(-t / 0.6) * Math.min(1, (b - i) / (0.02 * v.rate));
    const s = Math.sin(TAU * f0 * t) + 0.45 * Math.sin(2 * TAU * f0 * t) + 0.2 * Math.sin(3 * TAU * f0 * t);
    v.out[i] += gain * s * env;
  }
}
