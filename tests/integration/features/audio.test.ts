import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import * as gen from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-audio-'));
});
afterAll(() => cleanup?.());

function column(seq: FeatureSeq, name: string): number[] {
  const c = seq.names.indexOf(name);
  expect(c).toBeGreaterThanOrEqual(0);
  return Array.from({ length: seq.T }, (_, t) => seq.data[t * seq.D + c]);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('tempo on click tracks', () => {
  it.each([70, 120, 140])('%i BPM within ±2, beats one period apart', async (bpm) => {
    const file = await gen.clickTrack(dir, { bpm, seconds: 16, sampleRate: 22050 });
    const { summary, seq } = await extractAudioFeatures(file);
    expect(summary.tempo).not.toBeNull();
    expect(Math.abs(summary.tempo!.bpm - bpm)).toBeLessThanOrEqual(2);
    const gaps = summary.beats.slice(1).map((b, i) => b - summary.beats[i]);
    expect(Math.abs(mean(gaps) - 60 / bpm)).toBeLessThan(0.05);
    expect(summary.beats.length).toBeGreaterThanOrEqual(Math.floor((16 * bpm) / 60) - 2);
    expect(column(seq, 'beats').reduce((a, b) => a + b, 0)).toBe(summary.beats.length);
  });
});

describe('spectral descriptors', () => {
  it('puts the centroid of a sine near its pitch and its chroma on its pitch class', async () => {
    for (const freq of [440, 2000]) {
      const { seq, summary } = await extractAudioFeatures(await gen.sine(dir, { freq, seconds: 3, sampleRate: 22050 }));
      expect(seq.T).toBe(6);
      // Magnitude-weighted (as librosa), so the 16-bit noise floor pulls it up a little.
      for (const c of column(seq, 'centroid_hz')) expect(Math.abs(c - freq) / freq).toBeLessThan(0.05);
      expect(mean(column(seq, 'rms_db'))).toBeCloseTo(-9.03, 0);
      expect(summary.tempo).toBeNull();
      if (freq === 440) {
        // One pitch class is not a key: the summary says unknown. The columns stay relative to
        // the spec's key estimate, so all of A's energy sits in exactly one relative column.
        expect(summary.key).toBeNull();
        const means = Array.from({ length: 12 }, (_, i) => mean(column(seq, `chroma_rel_${String(i).padStart(2, '0')}`)));
        expect(means.filter((m) => m === 1)).toHaveLength(1);
        expect(means.filter((m) => m > 0.05)).toHaveLength(1);
      }
    }
  });

  it('gives silence the floor level, no tempo, no key, no loudness', async () => {
    const { seq, summary } = await extractAudioFeatures(await gen.silence(dir, { seconds: 2, channels: 2 }));
    expect(seq.T).toBe(4);
    expect(column(seq, 'rms_db').every((v) => v === -100)).toBe(true);
    expect(column(seq, 'centroid_hz').every((v) => v === 0)).toBe(true);
    expect(column(seq, 'mel_10').every((v) => v === AUDIO_SPEC.floorDb)).toBe(true);
    expect(summary).toMatchObject({ tempo: null, key: null, loudnessLufs: null, beats: [], energy: 0 });
  });

  it('reads louder music as louder and finds the key of a C major progression', async () => {
    const file = await gen.musicLike(dir, { seconds: 16, name: 'music.wav' });
    const { summary } = await extractAudioFeatures(file);
    expect(summary.key).toMatchObject({ tonic: 'C', mode: 'major' });
    expect(Math.abs(summary.tempo!.bpm - 120)).toBeLessThanOrEqual(2);
    const quiet = await extractAudioFeatures(await gen.sine(dir, { freq: 440, seconds: 3, amplitude: 0.05, name: 'quiet.wav' }));
    // 9.7 LU apart on the mono mean downmix (the stereo file used to read 3 dB hot under ffmpeg's summing downmix).
    expect(summary.loudnessLufs!).toBeGreaterThan(quiet.summary.loudnessLufs! + 8);
  });
});

describe('key-free harmony descriptors', () => {
  it('tells a major from a minor triad in any key, and a held chord has no harmonic change', async () => {
    const triad = (root: number, third: number): number[] => [0, third, 7].map((st) => root * 2 ** (st / 12));
    for (const root of [261.63, 369.99]) {
      const major = await extractAudioFeatures(await gen.tones(dir, { freqs: triad(root, 4), seconds: 3, name: `maj${root}.wav` }));
      const minor = await extractAudioFeatures(await gen.tones(dir, { freqs: triad(root, 3), seconds: 3, name: `min${root}.wav` }));
      expect(mean(column(major.seq, 'triad_major'))).toBeGreaterThan(mean(column(major.seq, 'triad_minor')) + 0.1);
      expect(mean(column(minor.seq, 'triad_minor'))).toBeGreaterThan(mean(column(minor.seq, 'triad_major')) + 0.1);
      expect(column(minor.seq, 'key_minor')[0]).toBeGreaterThan(column(major.seq, 'key_minor')[0]);
      // Interior steps of a held chord: the chroma does not move.
      for (const f of column(major.seq, 'chroma_flux').slice(1, -1)) expect(f).toBeLessThan(0.02);
    }
  });
});

describe('harmonic rhythm', () => {
  it('bass_flux marks the bass changes and ignores a busy melody above it; chroma_flux does not', async () => {
    // Bass G2 ↔ C3 every 2 s under a four-note melody (C5 E5 G5 A5) that moves every 0.5 s.
    const bass = 'if(lt(mod(t\\,4)\\,2)\\,98\\,130.81)';
    const melody = 'if(lt(mod(t\\,2)\\,0.5)\\,523.25\\,if(lt(mod(t\\,2)\\,1)\\,659.26\\,if(lt(mod(t\\,2)\\,1.5)\\,783.99\\,880)))';
    const file = await gen.ffmpeg(
      ['-f', 'lavfi', '-i', `aevalsrc='0.4*sin(2*PI*${bass}*t)+0.25*sin(2*PI*${melody}*t)':c=mono:s=22050:d=8`],
      `${dir}/bass-melody.wav`,
    );
    const { seq } = await extractAudioFeatures(file);
    const bassFlux = column(seq, 'bass_flux');
    const chromaFlux = column(seq, 'chroma_flux');
    const changes = [4, 8, 12]; // steps starting at 2, 4 and 6 s
    for (const k of changes) expect(bassFlux[k]).toBeGreaterThan(0.5);
    const held = bassFlux.map((_, k) => k).filter((k) => k > 0 && !changes.includes(k));
    for (const k of held) expect(bassFlux[k]).toBeLessThan(0.1);
    // The melody moves the full-range chroma on every step, so it cannot tell the bass changes apart.
    expect(mean(held.map((k) => chromaFlux[k]))).toBeGreaterThan(0.1);
  });
});

describe('input formats', () => {
  it.each([
    ['8 kHz mono', { sampleRate: 8000 }],
    ['96 kHz mono', { sampleRate: 96000 }],
    ['44.1 kHz stereo', { sampleRate: 44100, channels: 2 as const }],
    ['48 kHz 5.1', { sampleRate: 48000, channels: 6 as const }],
  ])('%s yields the same shape and a 1 kHz centroid', async (label, o) => {
    const file = await gen.sine(dir, { freq: 1000, seconds: 2, ...o, name: `${label.replace(/\W+/g, '_')}.wav` });
    const { seq, summary } = await extractAudioFeatures(file);
    expect(seq).toMatchObject({ T: 4, D: AUDIO_SPEC.names.length, step: 0.5, spec: AUDIO_SPEC.version, start: 0 });
    expect(summary.duration).toBeCloseTo(2, 2);
    expect(Math.abs(mean(column(seq, 'centroid_hz')) - 1000)).toBeLessThan(30);
  });

  it('extracts a range: rows start at the asked time, and is deterministic', async () => {
    const file = await gen.clickTrack(dir, { bpm: 100, seconds: 8, sampleRate: 22050, name: 'range.wav' });
    const a = await extractAudioFeatures(file, { start: 2, duration: 3 });
    const b = await extractAudioFeatures(file, { start: 2, duration: 3 });
    expect(a.seq).toMatchObject({ T: 6, start: 2 });
    expect(a.summary.beats.every((t) => t >= 2 && t <= 5)).toBe(true);
    expect(Buffer.from(a.seq.data.buffer).equals(Buffer.from(b.seq.data.buffer))).toBe(true);
  });
});
