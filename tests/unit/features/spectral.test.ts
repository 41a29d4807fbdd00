import { describe, expect, it } from 'vitest';
import { melBank, SpectralAnalyser } from '../../../electron/engine/features/spectral';
import { AUDIO_SPEC, stepCount, VIDEO_SPEC } from '../../../electron/engine/features/spec';
import { highPass, highShelf, LoudnessMeter } from '../../../electron/engine/features/loudness';
import { Stft } from '../../../electron/engine/features/stft';

const SR = 22050;

function sine(freq: number, seconds: number, amp = 1, sr = SR): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / sr));
}

describe('Stft', () => {
  it('emits 1 + ⌊N/hop⌋ centred frames, however the input is chunked', () => {
    const x = sine(440, 1.3);
    const counts = [x.length, 1000, 7].map((chunk) => {
      let n = 0;
      const s = new Stft(2048, 882, () => n++);
      for (let i = 0; i < x.length; i += chunk) s.push(x.subarray(i, i + chunk));
      s.finish();
      return n;
    });
    expect(counts).toEqual([1 + Math.floor(x.length / 882), 1 + Math.floor(x.length / 882), 1 + Math.floor(x.length / 882)]);
  });

  it('puts a full-scale sine at its bin with power ≈ 1', () => {
    const bin = 93;
    const freq = (bin * SR) / 2048;
    let peak = { k: -1, p: 0 };
    const s = new Stft(2048, 882, (p, j) => {
      if (j !== 10) return;
      for (let k = 0; k < p.length; k++) if (p[k] > peak.p) peak = { k, p: p[k] };
    });
    s.push(sine(freq, 1));
    s.finish();
    expect(peak.k).toBe(bin);
    expect(peak.p).toBeCloseTo(1, 2);
  });
});

describe('filter banks', () => {
  it('mel bands cover rising, non-empty bin ranges', () => {
    const bank = melBank(SR, 2048, 40, 30, 11025);
    expect(bank).toHaveLength(40);
    for (let b = 1; b < bank.length; b++) expect(bank[b].first).toBeGreaterThanOrEqual(bank[b - 1].first);
    for (const band of bank) expect(Math.max(...band.weights)).toBeGreaterThan(0);
  });

  it('chroma puts each note of a low chord on its own pitch class (peaks, not smeared bins)', () => {
    // C3 E3 G3: 131, 165, 196 Hz — semitones there (8–12 Hz) are narrower than a 10.8 Hz bin.
    const freqs = [130.81, 164.81, 196.0];
    const n = 2048;
    const frame = Float64Array.from({ length: n }, (_, i) => {
      const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
      return hann * freqs.reduce((s, f) => s + Math.sin((2 * Math.PI * f * i) / SR), 0);
    });
    // One-sided power spectrum by a plain DFT (the test's own reference, no FFT library).
    const power = Float64Array.from({ length: n / 2 + 1 }, (_, k) => {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        re += frame[i] * Math.cos((2 * Math.PI * k * i) / n);
        im -= frame[i] * Math.sin((2 * Math.PI * k * i) / n);
      }
      return re * re + im * im;
    });
    const a = new SpectralAnalyser(SR, n, 40, 30, 11025, -80, 0.85, 65, 5000, 250);
    const chroma = Array.from(a.analyse(power).chroma);
    const max = Math.max(...chroma);
    const on = chroma.map((c, i) => (c > 0.5 * max ? i : -1)).filter((i) => i >= 0);
    expect(on).toEqual([0, 4, 7]);
    // The semitones next to the chord tones get (almost) nothing.
    for (const i of [1, 3, 5, 6, 8]) expect(chroma[i]).toBeLessThan(0.05 * max);
  });

  it('chroma and bass chroma equal a written-out reference that refines every peak by its parabola (seeded spectra)', () => {
    // The analyser skips the parabola where a bin's every refined frequency has one pitch class;
    // the reference never does. Peaks: local maxima above 1 % of the largest in the chroma range.
    const n = 2048;
    const binHz = SR / n;
    const [lo, hi] = [Math.ceil(65 / binHz), Math.floor(5000 / binHz)];
    const reference = (power: Float64Array): { chroma: number[]; bass: number[] } => {
      const mag = Array.from(power, Math.sqrt);
      const max = Math.max(...mag.slice(lo, hi + 1));
      const chroma = new Array<number>(12).fill(0);
      const bass = new Array<number>(12).fill(0);
      for (let k = lo; k <= hi; k++) {
        if (mag[k] <= 0.01 * max || mag[k] <= mag[k - 1] || mag[k] < mag[k + 1]) continue;
        const [a, l, c] = [Math.log(mag[k - 1] + 1e-12), Math.log(mag[k]), Math.log(mag[k + 1] + 1e-12)];
        const den = a - 2 * l + c;
        const hz = (k + (den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0)) * binHz;
        const pc = ((Math.round(12 * Math.log2(hz / 16.351597831287414)) % 12) + 12) % 12;
        chroma[pc] += mag[k];
        if (hz < 250) bass[pc] += mag[k];
      }
      return { chroma, bass };
    };
    const a = new SpectralAnalyser(SR, n, 40, 30, 11025, -80, 0.85, 65, 5000, 250);
    let seed = 11;
    const rand = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let f = 0; f < 50; f++) {
      const power = Float64Array.from({ length: n / 2 + 1 }, () => rand() ** 6);
      const out = a.analyse(power);
      const ref = reference(power);
      expect(Array.from(out.chroma), `frame ${f}`).toEqual(ref.chroma);
      expect(Array.from(out.bassChroma), `frame ${f}`).toEqual(ref.bass);
    }
  });
});

describe('LoudnessMeter', () => {
  it('filters with BS.1770-4\'s K-weighting: at 48 kHz the two stages are the standard\'s table (ITU-R BS.1770-4, tables 1 and 2)', () => {
    const shelf = highShelf(48000);
    const rlb = highPass(48000);
    const table = [
      [shelf.b0, 1.53512485958697], [shelf.b1, -2.69169618940638], [shelf.b2, 1.19839281085285],
      [shelf.a1, -1.69065929318241], [shelf.a2, 0.73248077421585],
      [rlb.b0, 1], [rlb.b1, -2], [rlb.b2, 1], [rlb.a1, -1.99004745483398], [rlb.a2, 0.99007225036621],
    ];
    for (const [got, printed] of table) expect(Math.abs(got - printed)).toBeLessThan(5e-9);
  });

  it('reads a 997 Hz sine at −20 dBFS at −23.01 LUFS, BS.1770\'s calibration, at 48 and 44.1 kHz, and within 0.05 LU at the 22.05 kHz it meters', () => {
    // −20 dBFS: peak 0.1; BS.1770 reads a full-scale sine on one channel at −3.01 LKFS.
    const read = (fs: number): number => {
      const m = new LoudnessMeter(fs);
      const x = new Float32Array(fs * 5);
      for (let i = 0; i < x.length; i++) x[i] = 0.1 * Math.sin((2 * Math.PI * 997 * i) / fs);
      m.push(x);
      return m.integrated()!;
    };
    expect(Math.abs(read(48000) - -23.01)).toBeLessThan(0.01);
    expect(Math.abs(read(44100) - -23.01)).toBeLessThan(0.01);
    expect(Math.abs(read(22050) - -23.01)).toBeLessThan(0.05);
  });

  it('weights frequencies at the 22.05 kHz it meters as BS.1770\'s 48 kHz table does, within 0.1 dB from 30 Hz to 5 kHz', () => {
    // |H| of the standard's printed 48 kHz coefficients (tables 1 and 2), computed here, not by the meter.
    const stage = (b: number[], a: number[], f: number): number => {
      const w = (2 * Math.PI * f) / 48000;
      const re = (c: number[]): number => c[0] + c[1] * Math.cos(-w) + c[2] * Math.cos(-2 * w);
      const im = (c: number[]): number => c[1] * Math.sin(-w) + c[2] * Math.sin(-2 * w);
      return Math.hypot(re(b), im(b)) / Math.hypot(re(a), im(a));
    };
    const tableDb = (f: number): number =>
      20 * Math.log10(stage([1.53512485958697, -2.69169618940638, 1.19839281085285], [1, -1.69065929318241, 0.73248077421585], f) * stage([1, -2, 1], [1, -1.99004745483398, 0.99007225036621], f));
    const meterDb = (f: number): number => {
      const m = new LoudnessMeter(SR);
      m.push(sine(f, 5, 0.1));
      return m.integrated()!;
    };
    const ref = meterDb(997) - tableDb(997);
    for (const f of [30, 60, 100, 500, 2000, 5000]) expect(Math.abs(meterDb(f) - tableDb(f) - ref), `${f} Hz`).toBeLessThan(0.1);
  });

  it('reads a full-scale 1 kHz sine at about −3 LUFS (BS.1770 reference) and a 20 dB quieter one 20 LU lower', () => {
    const loud = new LoudnessMeter(SR);
    loud.push(sine(1000, 3));
    const quiet = new LoudnessMeter(SR);
    quiet.push(sine(1000, 3, 0.1));
    expect(loud.integrated()!).toBeCloseTo(-3.01, 0);
    expect(loud.integrated()! - quiet.integrated()!).toBeCloseTo(20, 1);
  });

  it('gates as BS.1770 does: nothing under −70 LUFS counts, and blocks 10 LU under the rest are left out', () => {
    // A full-scale 1 kHz sine reads about −3.01: amplitude a reads −3.01 + 20 log10 a.
    const at = (lufs: number): number => 10 ** ((lufs + 3.01) / 20);
    const read = (...parts: Float32Array[]): number | null => {
      const m = new LoudnessMeter(SR);
      for (const p of parts) m.push(p);
      return m.integrated();
    };
    expect(read(sine(1000, 3, at(-75)))).toBeNull();
    expect(read(sine(1000, 3, at(-65)))!).toBeCloseTo(-65, 0);
    // 5 s at −23 then 5 s at −38 (15 LU under): the quiet blocks fall under the relative gate, so the
    // reading is the loud part's (all ten seconds' energy would read ≈ −25.9).
    expect(Math.abs(read(sine(1000, 5, at(-23)), sine(1000, 5, at(-38)))! - -23)).toBeLessThan(0.3);
  });

  it('measures an input shorter than one 400 ms block by every sample once', () => {
    // 150 ms of silence, then 200 ms of a sine at −23: loud for 4/7 of the samples, so −23 + 10 log10(4/7).
    const loud = sine(1000, 0.2, 10 ** ((-23 + 3.01) / 20));
    const x = new Float32Array(Math.round(0.15 * SR) + loud.length);
    x.set(loud, x.length - loud.length);
    const m = new LoudnessMeter(SR);
    m.push(x);
    expect(Math.abs(m.integrated()! - (-23 + 10 * Math.log10(4 / 7)))).toBeLessThan(0.1);
  });

  it('is null for silence', () => {
    const m = new LoudnessMeter(SR);
    m.push(new Float32Array(SR));
    expect(m.integrated()).toBeNull();
  });
});

describe('spec', () => {
  it('versions differ between modalities and name every column once', () => {
    expect(AUDIO_SPEC.version).not.toBe(VIDEO_SPEC.version);
    expect(new Set(AUDIO_SPEC.names).size).toBe(AUDIO_SPEC.names.length);
    expect(new Set(VIDEO_SPEC.names).size).toBe(VIDEO_SPEC.names.length);
  });

  it('counts a trailing part-step only when at least half full', () => {
    expect(stepCount(0, 10)).toBe(0);
    expect(stepCount(3, 10)).toBe(1);
    expect(stepCount(14, 10)).toBe(1);
    expect(stepCount(15, 10)).toBe(2);
    expect(stepCount(20, 10)).toBe(2);
  });
});
