/**
 * Generated audio-descriptor tracks with known timbres, in the stored feature layout (40 log-mel
 * bands in dB, rms_db, and other columns): a timbre is a spectral envelope (two resonances at
 * fixed bands); each track plays its own random notes (which bands light up, when) through its
 * timbre's envelope, at its own level and tilt. Same timbre = same "album".
 */
import { AUDIO_NAMES } from '../../../electron/engine/features/spec';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { createRng } from '../../../electron/engine/util/prng';

const BANDS = 40;

export function timbreTrack(timbre: number, track: number, T: number, spec = 'timbre-test'): FeatureSeq {
  const rng = createRng(1000 * timbre + track + 1);
  const names = [...AUDIO_NAMES];
  const D = names.length;
  const col = (n: string): number => names.indexOf(n);
  // Resonances per timbre, spread over the bands; per-track level and tilt are nuisances.
  const peaks = [4 + ((timbre * 7) % 30), 12 + ((timbre * 13) % 26)];
  const level = (rng.next() - 0.5) * 30;
  const tilt = (rng.next() - 0.5) * 30;
  const data = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    const note = rng.int(BANDS);
    const loud = 6 * Math.sin((2 * Math.PI * t) / (8 + (track % 5))) + (rng.next() - 0.5) * 4;
    let sum = 0;
    for (let m = 0; m < BANDS; m++) {
      const env = peaks.reduce((s, p) => s + 10 * Math.exp(-0.5 * ((m - p) / 2.5) ** 2), 0);
      const harmonic = 20 * Math.exp(-0.5 * ((m - note) / 1.5) ** 2);
      const v = -70 + env + harmonic + level + tilt * (m / (BANDS - 1) - 0.5) + loud + (rng.next() - 0.5) * 3;
      data[t * D + m] = v;
      sum += v;
    }
    data[t * D + col('rms_db')] = sum / BANDS;
    // Other columns: the same random distribution for every timbre (no information).
    for (let c = BANDS + 1; c < D; c++) data[t * D + c] = rng.next();
  }
  return { names, data, T, D, step: 0.5, spec, start: 0 };
}
