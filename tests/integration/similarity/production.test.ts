import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { binBands, PRODUCTION_SPEC, productionSignature } from '../../../electron/engine/similarity/production';
import { ffmpeg, tempDir, textFile } from '../../helpers/media';

/** The lower frequency of each band (from the bins, as an independent check of the layout). */
function bandStartHz(): number[] {
  const { band, count } = binBands(PRODUCTION_SPEC.sampleRate, PRODUCTION_SPEC.nfft, PRODUCTION_SPEC.lowHz, PRODUCTION_SPEC.edges);
  const start = new Array<number>(count).fill(Infinity);
  band.forEach((b, k) => {
    if (b >= 0) start[b] = Math.min(start[b], (k * PRODUCTION_SPEC.sampleRate) / PRODUCTION_SPEC.nfft);
  });
  return start;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('nd-production-'));
});
afterAll(async () => cleanup());

describe('the production signature (real ffmpeg, stereo decode at 44.1 kHz)', () => {
  it('lays bands out from 120 Hz to Nyquist, log-spaced, every bin above 120 Hz in one', () => {
    const { band, count } = binBands(44100, 2048, 120, 64);
    expect(count).toBeGreaterThan(40);
    expect(count).toBeLessThanOrEqual(64);
    const hz = (k: number): number => (k * 44100) / 2048;
    band.forEach((b, k) => expect(b >= 0).toBe(hz(k) >= 120));
    // Non-decreasing over the bins, and every band index used.
    for (let k = 1; k < band.length; k++) if (band[k - 1] >= 0) expect(band[k]).toBeGreaterThanOrEqual(band[k - 1]);
    expect(new Set([...band].filter((b) => b >= 0)).size).toBe(count);
    // Log spacing: the top band starts within one band ratio of Nyquist·(120/22050)^(1/64).
    const starts = bandStartHz();
    expect(starts[starts.length - 1]).toBeGreaterThan(22050 * (120 / 22050) ** (1 / 64) - 22);
  });

  it('white noise, independent in each channel, low-passed at 6 kHz: flat below, far down above; width 0 dB', async () => {
    // Independent equal-power channels: side power = mid power, so width = 0 dB in every band.
    // White noise has the same power in every bin, and a band is the mean over its bins: flat.
    const file = await ffmpeg(
      ['-f', 'lavfi', '-i', 'anoisesrc=c=white:a=0.3:r=44100:s=1:d=20', '-f', 'lavfi', '-i', 'anoisesrc=c=white:a=0.3:r=44100:s=2:d=20',
        '-filter_complex', '[0][1]amerge=inputs=2,lowpass=f=6000:poles=2,lowpass=f=6000:poles=2,lowpass=f=6000:poles=2', '-c:a', 'pcm_f32le'],
      join(dir, 'wide-lowpassed.wav'),
    );
    const sig = (await productionSignature(file, 20)) as Float32Array;
    const nb = sig.length / 2;
    const starts = bandStartHz();
    expect(starts.length).toBe(nb);
    const shape = [...sig.subarray(0, nb)];
    const width = [...sig.subarray(nb)];
    const below = shape.filter((_, b) => starts[b] >= 200 && starts[b] < 2000);
    const above = shape.filter((_, b) => starts[b] >= 15000);
    // Flat within ±1.5 dB from 200 Hz to 2 kHz; 12 dB/octave × 3 above 6 kHz: > 40 dB down at 15 kHz.
    expect(Math.max(...below) - Math.min(...below)).toBeLessThan(1.5);
    expect(Math.max(...above)).toBeLessThan(Math.min(...below) - 40);
    for (let b = 0; b < nb; b++) if (starts[b] >= 200 && starts[b] < 5000) expect(Math.abs(width[b])).toBeLessThan(1.5);
  }, 60_000);

  it('the same signal in both channels has no side: width at the floor', async () => {
    const file = await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=c=pink:a=0.3:r=44100:s=3:d=10', '-ac', '2', '-c:a', 'pcm_s16le'], join(dir, 'mono-in-stereo.wav'));
    const sig = (await productionSignature(file, 10)) as Float32Array;
    const nb = sig.length / 2;
    for (let b = 0; b < nb; b++) expect(sig[nb + b]).toBeLessThan(-80);
    // Pink noise: the band mean falls ~3 dB per octave; from the 250 Hz band to the 8 kHz band
    // (5 octaves) ≈ 15 dB.
    const starts = bandStartHz();
    const at = (hz: number): number => sig[starts.findIndex((s) => s >= hz)];
    expect(at(250) - at(8000)).toBeGreaterThan(11);
    expect(at(250) - at(8000)).toBeLessThan(19);
  }, 60_000);

  it('decodes only the middle two minutes of a long track (a tone change outside it is not heard)', async () => {
    // 300 s: brown noise in the first and last 60 s, white in the middle 180 s: the
    // excerpt (90–210 s) is all white, so the signature equals that of white noise alone.
    const file = await ffmpeg(
      ['-f', 'lavfi', '-i', 'anoisesrc=c=brown:a=0.3:r=44100:s=4:d=60', '-f', 'lavfi', '-i', 'anoisesrc=c=white:a=0.3:r=44100:s=5:d=180', '-f', 'lavfi', '-i', 'anoisesrc=c=brown:a=0.3:r=44100:s=6:d=60',
        '-filter_complex', '[0][1][2]concat=n=3:v=0:a=1', '-ac', '2', '-c:a', 'pcm_s16le'],
      join(dir, 'long.wav'),
    );
    const sig = (await productionSignature(file, 300)) as Float32Array;
    const nb = sig.length / 2;
    const starts = bandStartHz();
    const flat = [...sig.subarray(0, nb)].filter((_, b) => starts[b] >= 200 && starts[b] < 15000);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThan(1.5);
  }, 60_000);

  it('a file that is not audio: an error naming the file', async () => {
    const bad = await textFile(dir);
    await expect(productionSignature(bad, 10)).rejects.toThrow(bad);
  });
});
