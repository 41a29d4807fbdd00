/**
 * One annotated clip from its parameters: a drum pattern, a chord progression voiced by one
 * timbre, a bass line, a melody on the key's scale, optional noise at a set SNR. The parameters
 * are the truth (tempo = quarter-note pulse; key = tonic and mode of the progression).
 */
import { createRng } from '../../../electron/engine/metric/prng';
import { bass, hat, kick, pad, piano, pluck, snare, type Voice } from './instruments';

export type DrumPattern = 'rock' | 'four' | 'shuffle' | 'waltz' | 'breakbeat' | 'none';
export type Timbre = 'piano' | 'pluck' | 'pad';
export type Mode = 'major' | 'minor';

interface Chord {
  root: number;
  quality: 'maj' | 'min' | 'dim' | 'dom7';
}

const ch = (root: number, quality: Chord['quality']): Chord => ({ root, quality });

/** Progressions in semitones above the tonic, one chord per bar (or per two bars when fast). */
export const PROGRESSIONS: Record<Mode, Record<string, Chord[]>> = {
  major: {
    'I-V-vi-IV': [ch(0, 'maj'), ch(7, 'maj'), ch(9, 'min'), ch(5, 'maj')],
    'ii-V-I-I': [ch(2, 'min'), ch(7, 'dom7'), ch(0, 'maj'), ch(0, 'maj')],
    'I-IV-V-I': [ch(0, 'maj'), ch(5, 'maj'), ch(7, 'dom7'), ch(0, 'maj')],
    'I-vi-ii-V': [ch(0, 'maj'), ch(9, 'min'), ch(2, 'min'), ch(7, 'dom7')],
    'vi-IV-I-V': [ch(9, 'min'), ch(5, 'maj'), ch(0, 'maj'), ch(7, 'maj')],
    'I-iii-IV-V': [ch(0, 'maj'), ch(4, 'min'), ch(5, 'maj'), ch(7, 'maj')],
  },
  minor: {
    'i-iv-VII-III': [ch(0, 'min'), ch(5, 'min'), ch(10, 'maj'), ch(3, 'maj')],
    'i-VI-III-VII': [ch(0, 'min'), ch(8, 'maj'), ch(3, 'maj'), ch(10, 'maj')],
    'i-iv-V-i': [ch(0, 'min'), ch(5, 'min'), ch(7, 'dom7'), ch(0, 'min')],
    'i-VII-VI-V': [ch(0, 'min'), ch(10, 'maj'), ch(8, 'maj'), ch(7, 'maj')],
    'iio-V-i-i': [ch(2, 'dim'), ch(7, 'dom7'), ch(0, 'min'), ch(0, 'min')],
    'i-v-iv-i': [ch(0, 'min'), ch(7, 'min'), ch(5, 'min'), ch(0, 'min')],
  },
};

export interface ClipSpec {
  id: string;
  bpm: number;
  /** Pitch class of the tonic, 0 = C. */
  tonic: number;
  mode: Mode;
  progression: string;
  drums: DrumPattern;
  timbre: Timbre;
  /** Signal-to-noise ratio of added white noise, dB; null = clean. */
  snrDb: number | null;
  seconds: number;
  seed: number;
}

const INTERVALS: Record<Chord['quality'], number[]> = { maj: [0, 4, 7], min: [0, 3, 7], dim: [0, 3, 6], dom7: [0, 4, 7, 10] };
const SCALE: Record<Mode, number[]> = { major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10] };

/** Hits per bar as [beat position, instrument, velocity]; the hat grid is added separately. */
function drumHits(p: DrumPattern): [number, 'k' | 's', number][] {
  switch (p) {
    case 'rock':
      return [[0, 'k', 1], [2, 'k', 0.9], [2.5, 'k', 0.6], [1, 's', 1], [3, 's', 1]];
    case 'four':
      return [[0, 'k', 1], [1, 'k', 1], [2, 'k', 1], [3, 'k', 1], [1, 's', 0.7], [3, 's', 0.7]];
    case 'shuffle':
      return [[0, 'k', 1], [2, 'k', 0.9], [1, 's', 0.9], [3, 's', 0.9], [3 + 2 / 3, 'k', 0.5]];
    case 'waltz':
      return [[0, 'k', 1], [1, 's', 0.55], [2, 's', 0.55]];
    case 'breakbeat':
      return [[0, 'k', 1], [0.5, 'k', 0.7], [2.5, 'k', 0.8], [1, 's', 1], [3, 's', 1], [1.75, 's', 0.35], [3.25, 's', 0.35]];
    case 'none':
      return [];
  }
}

/** Hat positions within one beat: swung for the shuffle, denser when slow, sparser when fast. */
function hatGrid(p: DrumPattern, bpm: number): number[] {
  if (p === 'none') return [];
  if (p === 'shuffle') return bpm > 150 ? [0] : [0, 2 / 3];
  if (p === 'four') return [0.5];
  if (bpm < 75) return [0, 0.25, 0.5, 0.75];
  if (bpm > 170) return [0];
  return [0, 0.5];
}

/** Render a clip as mono float PCM at `rate`, peak-normalised to 0.9 before the noise is added. */
export function renderClip(spec: ClipSpec, rate: number): Float32Array {
  const rng = createRng(spec.seed);
  const n = Math.round(spec.seconds * rate);
  const drums: Voice = { out: new Float32Array(n), rate, rng };
  const music: Voice = { out: new Float32Array(n), rate, rng };
  const beat = 60 / spec.bpm;
  const beatsPerBar = spec.drums === 'waltz' ? 3 : 4;
  const barsPerChord = spec.bpm > 160 ? 2 : 1;
  const chords = PROGRESSIONS[spec.mode][spec.progression];
  if (!chords) throw new Error(`unknown progression ${spec.progression} for ${spec.mode}`);
  const jitter = (): number => (rng.next() - 0.5) * 0.008;
  const vel = (v: number): number => v * (0.88 + 0.24 * rng.next());
  const bars = Math.ceil(spec.seconds / (beat * beatsPerBar));
  // Pitches: tonic pitch class placed in the octave from C3 (48); bass an octave and a half lower.
  const base = 48 + spec.tonic;
  let melody = base + 24;
  const scale = SCALE[spec.mode];
  for (let bar = 0; bar < bars; bar++) {
    const t0 = bar * beat * beatsPerBar;
    for (const [pos, inst, v] of drumHits(spec.drums)) {
      if (pos >= beatsPerBar) continue;
      const at = t0 + pos * beat + jitter();
      if (inst === 'k') kick(drums, at, vel(v));
      else snare(drums, at, vel(v) * 0.8);
    }
    for (let b = 0; b < beatsPerBar; b++) {
      for (const sub of hatGrid(spec.drums, spec.bpm)) hat(drums, t0 + (b + sub) * beat + jitter(), vel(sub === 0 ? 0.8 : 0.55), spec.drums === 'four');
    }
    const chord = chords[Math.floor(bar / barsPerChord) % chords.length];
    const root = base + chord.root;
    const tones = INTERVALS[chord.quality].map((i) => (root + i > base + 14 ? root + i - 12 : root + i));
    const barLen = beat * beatsPerBar;
    // Bass: the root on the downbeat, the fifth half-way (or on every beat for pads, the only pulse they have).
    const bassRoot = base - 24 + (chord.root % 12);
    if (spec.timbre === 'pad') {
      for (let b = 0; b < beatsPerBar; b++) bass(music, t0 + b * beat, bassRoot + (b % 2 ? 7 : 0), beat * 0.9, vel(b === 0 ? 0.55 : 0.4));
    } else {
      bass(music, t0, bassRoot, beat * 1.8, vel(0.55));
      if (beatsPerBar === 4) bass(music, t0 + 2 * beat, bassRoot + 7, beat * 1.8, vel(0.45));
    }
    if (spec.timbre === 'piano') {
      const hits = beatsPerBar === 3 ? [0, 1, 2] : [0, 1.5, 2, 3];
      for (const h of hits) for (const p of tones) piano(music, t0 + h * beat + jitter(), p, Math.min(2.5, beat * 1.6), vel(h % 1 ? 0.18 : 0.26));
    } else if (spec.timbre === 'pluck') {
      // Steady arpeggio: eighths (quarters when fast), stronger on the beat.
      const step = spec.bpm > 150 ? 1 : 0.5;
      for (let k = 0; k * step < beatsPerBar; k++) {
        const p = tones[k % tones.length] + (k % (2 * tones.length) >= tones.length ? 12 : 0);
        pluck(music, t0 + k * step * beat + jitter(), p, 1.2, vel((k * step) % 1 ? 0.3 : 0.5));
      }
    } else {
      for (const p of tones) pad(music, t0, p, barLen * barsPerChord, 0.3);
    }
    // Melody: a walk on the scale, a chord tone on each downbeat; quarter notes, rests sometimes.
    for (let b = 0; b < beatsPerBar; b++) {
      if (b > 0 && rng.next() < 0.25) continue;
      if (b === 0) melody = nearest(melody, tones.map((t) => t + 12));
      else melody = stepOnScale(melody, base, scale, rng.next() < 0.5 ? -1 : 1);
      const note = melody;
      const at = t0 + b * beat + jitter();
      if (spec.timbre === 'pluck') piano(music, at, note, beat * 0.9, vel(0.16));
      else pluck(music, at, note, beat * 1.5, vel(0.22), 0.7);
    }
  }
  const out = new Float32Array(n);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    out[i] = drums.out[i] * 0.8 + music.out[i];
    peak = Math.max(peak, Math.abs(out[i]));
  }
  const g = peak > 0 ? 0.9 / peak : 1;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    out[i] *= g;
    ss += out[i] * out[i];
  }
  if (spec.snrDb !== null) {
    // White noise (uniform, variance 1/3) scaled to the SNR against the signal's mean power.
    const noiseRms = Math.sqrt(ss / n) / 10 ** (spec.snrDb / 20);
    const k = noiseRms * Math.sqrt(3);
    for (let i = 0; i < n; i++) out[i] = Math.max(-1, Math.min(1, out[i] + k * (rng.next() * 2 - 1)));
  }
  return out;
}

function nearest(from: number, pcs: number[]): number {
  let best = from;
  let dist = Infinity;
  for (const p of pcs) {
    for (let o = -24; o <= 24; o += 12) {
      const d = Math.abs(p + o - from);
      if (d < dist && p + o >= 62 && p + o <= 86) [best, dist] = [p + o, d];
    }
  }
  return best;
}

function stepOnScale(from: number, base: number, scale: number[], dir: number): number {
  let m = from + dir;
  while (!scale.includes((((m - base) % 12) + 12) % 12)) m += dir;
  return m < 62 ? m + 12 : m > 86 ? m - 12 : m;
}
