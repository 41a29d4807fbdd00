/**
 * The instruments of the synthetic tracks: pitched voices in five timbres and a drum kit, each
 * adding its samples into a mono Float32 buffer. Brightness in [0, 1] sets the harmonic content
 * (FM index, filter cut-off, upper drawbars, string damping); attack sets the onset time.
 */
import type { Rng } from './rng';
import type { Timbre } from './types';

const TABLE_SIZE = 4096;
const SIN = new Float32Array(TABLE_SIZE + 1);
for (let i = 0; i <= TABLE_SIZE; i++) SIN[i] = Math.sin((2 * Math.PI * i) / TABLE_SIZE);

/** sin(2π·phase) from a table: the synthesis is dominated by sines, and Math.sin is slow. */
function sinCycles(phase: number): number {
  const x = (phase - Math.floor(phase)) * TABLE_SIZE;
  const i = x | 0;
  const f = x - i;
  return SIN[i] + (SIN[i + 1] - SIN[i]) * f;
}

export interface Note {
  /** Start in samples. */
  start: number;
  /** Held length in samples (the release follows). */
  length: number;
  freq: number;
  velocity: number;
}

export interface VoiceSettings {
  timbre: Timbre;
  brightness: number;
  /** Attack time in seconds. */
  attack: number;
  sampleRate: number;
}

export const midiToHz = (m: number): number => 440 * Math.pow(2, (m - 69) / 12);

/** Plucked and struck timbres decay while held; organ and square sustain. */
const SUSTAINS: Record<Timbre, boolean> = { bell: false, saw: false, square: true, organ: true, pluck: false };

let scratch = new Float32Array(0);

/** Gain per sample: linear attack, exponential fall (struck timbres), linear release after the hold. */
function envelope(total: number, hold: number, v: VoiceSettings): Float32Array {
  if (scratch.length < total) scratch = new Float32Array(total * 2);
  const sr = v.sampleRate;
  const attack = Math.max(1, Math.round(v.attack * sr));
  const release = total - hold;
  const fall = SUSTAINS[v.timbre] ? 1 : Math.exp(-2.5 / sr);
  let level = 1;
  for (let i = 0; i < total; i++) {
    let g = i < attack ? i / attack : (level *= fall);
    if (i >= hold) g *= 1 - (i - hold) / release;
    scratch[i] = g;
  }
  return scratch;
}

/**
 * Render one note of a pitched timbre into `out`. One loop per timbre keeps each loop
 * monomorphic, which is what makes 30 s of synthesis take tens of milliseconds.
 */
export function playNote(out: Float32Array, note: Note, v: VoiceSettings, r: Rng): void {
  const sr = v.sampleRate;
  const total = Math.min(note.length + Math.round(0.08 * sr), out.length - note.start);
  if (total <= 0) return;
  const env = envelope(total, Math.min(note.length, total - 1), v);
  const o = note.start;
  const vel = note.velocity;
  const inc = note.freq / sr;
  const b = v.brightness;
  switch (v.timbre) {
    case 'bell': {
      // Two-operator FM (ratio 2): the index, in cycles, grows with brightness and decays.
      let index = (0.5 + 3 * b) / (2 * Math.PI);
      const fall = Math.exp(-3 / sr);
      for (let i = 0; i < total; i++) {
        const phase = inc * i;
        out[o + i] += sinCycles(phase + index * sinCycles(2 * phase)) * env[i] * vel;
        index *= fall;
      }
      break;
    }
    case 'saw':
    case 'square': {
      // One-pole low-pass whose cut-off, relative to the pitch, grows with brightness.
      const saw = v.timbre === 'saw';
      const cutoff = Math.min(0.45 * sr, note.freq * (saw ? 2 + 10 * b : 1.5 + 8 * b));
      const lp = 1 - Math.exp((-2 * Math.PI * cutoff) / sr);
      let state = 0;
      for (let i = 0; i < total; i++) {
        const phase = inc * i;
        const frac = phase - Math.floor(phase);
        state += lp * ((saw ? 2 * frac - 1 : frac < 0.5 ? 0.7 : -0.7) - state);
        out[o + i] += state * env[i] * vel;
      }
      break;
    }
    case 'organ': {
      const upper = 0.6 * b;
      for (let i = 0; i < total; i++) {
        const phase = inc * i;
        const s =
          0.6 * (sinCycles(phase) + 0.5 * sinCycles(2 * phase)) +
          upper * (0.4 * sinCycles(3 * phase) + 0.3 * sinCycles(4 * phase) + 0.2 * sinCycles(6 * phase));
        out[o + i] += s * env[i] * vel;
      }
      break;
    }
    case 'pluck': {
      // Karplus–Strong: a noise burst in a delay line, averaged each pass (brightness = less averaging).
      const period = Math.max(2, Math.round(sr / note.freq));
      const line = new Float32Array(period);
      for (let k = 0; k < period; k++) line[k] = r.next() * 2 - 1;
      const keep = 0.5 + 0.45 * b;
      let prev = 0;
      for (let i = 0, k = 0; i < total; i++) {
        const cur = line[k];
        line[k] = (keep * cur + (1 - keep) * prev) * 0.998;
        prev = cur;
        k = k + 1 === period ? 0 : k + 1;
        out[o + i] += cur * env[i] * vel;
      }
      break;
    }
  }
}

export type Drum = 'kick' | 'snare' | 'hat';

/** Render one drum hit; `punch` in [0, 1] sharpens the transient (arousal → percussive attack). */
export function playDrum(out: Float32Array, drum: Drum, start: number, velocity: number, punch: number, sr: number, r: Rng): void {
  const seconds = drum === 'kick' ? 0.35 : drum === 'snare' ? 0.22 : 0.06 + 0.08 * (1 - punch);
  const total = Math.min(Math.round(seconds * sr), out.length - start);
  const click = Math.round(0.004 * sr);
  // Exponential envelopes as per-sample factors (Math.exp per sample is the slow part otherwise).
  const noiseFall = Math.exp(-(drum === 'snare' ? 14 + 10 * punch : 25 + 60 * punch) / sr);
  const toneFall = Math.exp(-(drum === 'kick' ? 9 : 30) / sr);
  const sweepFall = Math.exp(-30 / sr);
  let noiseEnv = drum === 'snare' ? 0.6 : 0.35;
  let toneEnv = drum === 'kick' ? 1 : 0.5;
  let sweep = 80;
  let phase = 0;
  let prevNoise = 0;
  for (let i = 0; i < total; i++) {
    let s: number;
    if (drum === 'kick') {
      phase += (45 + sweep) / sr;
      sweep *= sweepFall;
      s = sinCycles(phase) * toneEnv + (i < click ? punch * 0.6 * (1 - i / click) : 0);
    } else {
      const noise = r.next() * 2 - 1;
      s = (noise - prevNoise) * noiseEnv; // first difference: a cheap high-pass
      prevNoise = noise;
      noiseEnv *= noiseFall;
      if (drum === 'snare') {
        phase += 185 / sr;
        s += sinCycles(phase) * toneEnv;
      }
    }
    toneEnv *= toneFall;
    out[start + i] += s * velocity;
  }
}
