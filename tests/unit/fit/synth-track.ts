/**
 * A generated track with a known beat grid and a known ending, synthesised in JS: a four-bar
 * chord cycle (C, Am, F, G; one chord per bar, so bars and phrases are audible), a kick and a click
 * on every beat (the kick louder on the downbeat), a soft hi-hat on the off-beats, 4/4. With `ending`, the bar after the
 * last one opens with a final C chord and kick that decay linearly to exact silence over
 * `ringSeconds`; without, the music stops dead at the end of the last bar.
 */
export interface SynthTrack {
  pcm: Float32Array;
  sampleRate: number;
  bpm: number;
  /** True beat times, seconds (with an ending, the last is the final chord's downbeat). */
  beats: number[];
  downbeats: number[];
  /** Where the sound stops, seconds. */
  end: number;
}

const CHORDS = [
  [261.63, 329.63, 392.0],
  [220.0, 261.63, 329.63],
  [174.61, 220.0, 261.63],
  [196.0, 246.94, 293.66],
];

/** Mono PCM as a 16-bit WAV file's bytes (for ffmpeg to read). */
export function wavBytes(pcm: Float32Array, sampleRate: number): Uint8Array {
  const buf = Buffer.alloc(44 + pcm.length * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + pcm.length * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(pcm.length * 2, 40);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, pcm[i])) * 32767), 44 + 2 * i);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function synthTrack(o: { bpm?: number; bars?: number; sampleRate?: number; ending?: boolean; lead?: number; ringSeconds?: number } = {}): SynthTrack {
  const sr = o.sampleRate ?? 22050;
  const bpm = o.bpm ?? 120;
  const bars = o.bars ?? 24;
  const lead = o.lead ?? 0.2;
  const ring = o.ringSeconds ?? 2.5;
  const beat = 60 / bpm;
  const musicEnd = lead + bars * 4 * beat;
  const end = o.ending === false ? musicEnd : musicEnd + ring;
  const n = Math.round(end * sr);
  const pcm = new Float32Array(n);
  let noise = 0x2545f491;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    if (t < lead) continue;
    const m = t - lead;
    const b = Math.floor(m / beat);
    const since = m - b * beat;
    let v = 0;
    if (t < musicEnd) {
      const chord = CHORDS[Math.floor(b / 4) % 4];
      for (const f of chord) v += 0.1 * Math.sin(2 * Math.PI * f * t);
      v += (b % 4 === 0 ? 0.6 : 0.4) * Math.sin(2 * Math.PI * 60 * since) * Math.exp(-25 * since);
      noise ^= noise << 13;
      noise ^= noise >>> 17;
      noise ^= noise << 5;
      const white = (noise >>> 0) / 2 ** 31 - 1;
      // A broadband click on the beat (the attack a tracker hears) and a soft hi-hat off the beat.
      const off = (m + beat / 2) % beat;
      v += white * (0.3 * Math.exp(-120 * since) + 0.02 * Math.exp(-60 * off));
    } else {
      const s = t - musicEnd;
      const env = Math.max(0, 1 - s / ring);
      for (const f of CHORDS[0]) v += 0.12 * Math.sin(2 * Math.PI * f * t);
      v += 0.6 * Math.sin(2 * Math.PI * 60 * s) * Math.exp(-25 * s);
      // Linear to exact silence: the sound stops at `end` (to a fraction of a millisecond).
      v *= env;
    }
    pcm[i] = v;
  }
  const count = bars * 4 + (o.ending === false ? 0 : 1);
  const beats = Array.from({ length: count }, (_, k) => lead + k * beat);
  return { pcm, sampleRate: sr, bpm, beats, downbeats: beats.filter((_, k) => k % 4 === 0), end };
}

/** Distance from t to the nearest of `times`. */
export function nearest(times: number[], t: number): number {
  let best = Infinity;
  for (const x of times) best = Math.min(best, Math.abs(x - t));
  return best;
}
