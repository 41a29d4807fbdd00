/**
 * Music synthesis for one pair: drums at the pair's tempo, bass and chords in its key and mode,
 * and a melody, in its timbre — rendered to mono Float32 PCM, deterministic from the music seed.
 *
 * arousal → tempo (bpm, planned), loudness, note density, percussive attack;
 * valence → major/minor (planned), register, timbre brightness;
 * pace    → harmonic rhythm (planned beatsPerChord), bass drive, kick syncopation.
 */
import { PITCH_CLASSES } from './plan';
import { clamp01, lerp, rng, type Rng } from './rng';
import type { CorpusOptions, CorpusPair } from './types';
import { midiToHz, playDrum, playNote, type VoiceSettings } from './voices';

const SCALES = { major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10] } as const;
/**
 * Chord progressions as 0-based scale degrees. Every one starts on the tonic and every minor one
 * has the dominant V, so the mode is audible: with natural-minor chords alone, i–VI–III–VII in A
 * minor is vi–IV–I–V in C major — the same chords, and the mode could not be heard.
 */
const PROGRESSIONS: Record<'major' | 'minor', readonly (readonly number[])[]> = {
  major: [[0, 3, 4, 0], [0, 5, 3, 4], [0, 4, 5, 3], [0, 3, 0, 4]],
  minor: [[0, 3, 4, 0], [0, 5, 3, 4], [0, 6, 5, 4], [0, 3, 5, 4]],
};
/** Harmonic minor raises the 7th in the dominant chord (E–G♯–B in A minor): the leading tone. */
const HARMONIC_MINOR = [0, 2, 3, 5, 7, 8, 11] as const;

/** MIDI pitch of scale degree `d` (any integer) above `base`. */
function degreeToMidi(base: number, scale: readonly number[], d: number): number {
  const octave = Math.floor(d / scale.length);
  return base + 12 * octave + scale[d - octave * scale.length];
}

interface Plan {
  sr: number;
  beat: number; // samples per beat
  total: number;
  r: Rng;
}

function drums(out: Float32Array, p: Plan, arousal: number, pace: number): void {
  const sixteenth = p.beat / 4;
  const level = lerp(0.45, 1, arousal);
  const kicks = new Set([0, 8]);
  if (arousal > 0.7) [4, 12].forEach((k) => kicks.add(k)); // four on the floor
  if (pace > 0.5) [6, 11].forEach((k) => kicks.add(k)); // syncopated drive
  const hatStep = arousal > 0.55 ? 1 : 2;
  for (let step = 0; ; step++) {
    const start = Math.round(step * sixteenth);
    if (start >= p.total) break;
    const pos = step % 16;
    if (kicks.has(pos)) playDrum(out, 'kick', start, level, arousal, p.sr, p.r);
    if ((pos === 4 || pos === 12) && arousal > 0.25) playDrum(out, 'snare', start, 0.8 * level, arousal, p.sr, p.r);
    if (pos % hatStep === 0) playDrum(out, 'hat', start, level * (pos % 4 === 0 ? 0.9 : 0.55), arousal, p.sr, p.r);
  }
}

/** Render the track's PCM (mono, `options.sampleRate`, `options.trackSeconds` long). */
export function synthTrack(pair: CorpusPair, options: CorpusOptions): Float32Array {
  const { arousal, valence, pace } = pair.latent;
  const n = pair.nuisance;
  const sr = options.sampleRate;
  const total = Math.round(options.trackSeconds * sr);
  const out = new Float32Array(total);
  const r = rng(n.musicSeed);
  const p: Plan = { sr, beat: (60 / n.bpm) * sr, total, r };
  const scale = SCALES[n.mode];
  const progression = r.pick(PROGRESSIONS[n.mode]);
  const root = PITCH_CLASSES.indexOf(n.key as (typeof PITCH_CLASSES)[number]);
  const voice: VoiceSettings = {
    timbre: n.timbre,
    brightness: clamp01(valence + r.range(-0.05, 0.05)),
    attack: lerp(0.06, 0.004, arousal),
    sampleRate: sr,
  };

  drums(out, p, arousal, pace);

  // Chords and bass follow the harmonic rhythm; valence lifts the register.
  const chordBase = 48 + root - (valence < 0.33 ? 12 : 0);
  const bassBase = 36 + root;
  const chordLen = n.beatsPerChord * p.beat;
  const bassStep = pace > 0.6 ? p.beat / 2 : arousal > 0.4 ? p.beat : 2 * p.beat;
  const stabs = arousal > 0.5;
  for (let c = 0; c * chordLen < total; c++) {
    const degree = progression[c % progression.length];
    const chordStart = c * chordLen;
    const hits = stabs ? n.beatsPerChord : 1;
    for (let h = 0; h < hits; h++) {
      const start = Math.round(chordStart + (h * chordLen) / hits);
      const length = Math.round(stabs ? p.beat * 0.5 : chordLen * 0.95);
      const chordScale = n.mode === 'minor' && degree === 4 ? HARMONIC_MINOR : scale;
      for (const offset of [0, 2, 4]) {
        const midi = degreeToMidi(chordBase, chordScale, degree + offset);
        playNote(out, { start, length, freq: midiToHz(midi), velocity: 0.16 }, voice, r);
      }
    }
    for (let t = chordStart; t < chordStart + chordLen && t < total; t += bassStep) {
      const midi = degreeToMidi(bassBase, scale, degree);
      const bass = { ...voice, brightness: voice.brightness * 0.4 };
      playNote(out, { start: Math.round(t), length: Math.round(bassStep * 0.8), freq: midiToHz(midi), velocity: 0.4 }, bass, r);
    }
  }

  // Melody: a random walk on the scale, denser and on a finer grid as arousal rises.
  const melodyBase = 48 + root;
  const center = 7 + Math.round(7 * valence); // one octave higher at full valence
  const step = arousal > 0.6 ? p.beat / 4 : p.beat / 2;
  const density = 0.3 + 0.55 * arousal;
  let degree = center;
  const onsets: number[] = [];
  for (let t = 0; t < total; t += step) if (r.next() < density) onsets.push(Math.round(t));
  onsets.forEach((start, i) => {
    degree = Math.max(center - 5, Math.min(center + 5, degree + r.pick([-2, -1, -1, 0, 1, 1, 2])));
    const next = i + 1 < onsets.length ? onsets[i + 1] : total;
    const length = Math.min(next - start, Math.round(2 * p.beat));
    const velocity = 0.32 + 0.15 * r.next();
    playNote(out, { start, length, freq: midiToHz(degreeToMidi(melodyBase, scale, degree)), velocity }, voice, r);
  });

  master(out, arousal, sr);
  return out;
}

/** A rational tanh (Padé) — near-identity below ±0.5, saturating at ±1; cheaper than Math.tanh. */
function softClip(x: number): number {
  if (x <= -3) return -1;
  if (x >= 3) return 1;
  const x2 = x * x;
  return (x * (27 + x2)) / (27 + 9 * x2);
}

/** Arousal → loudness: RMS set to −24…−10 dBFS, a tanh-like soft limiter, 10 ms edge fades. */
function master(out: Float32Array, arousal: number, sr: number): void {
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
  const rms = Math.sqrt(sum / Math.max(1, out.length));
  const target = Math.pow(10, (-24 + 14 * arousal) / 20);
  const gain = rms > 0 ? target / rms : 0;
  const edge = Math.min(Math.round(0.01 * sr), out.length >> 1);
  for (let i = 0; i < out.length; i++) {
    let s = softClip(out[i] * gain);
    if (i < edge) s *= i / edge;
    else if (i >= out.length - edge) s *= (out.length - 1 - i) / edge;
    out[i] = s;
  }
}
