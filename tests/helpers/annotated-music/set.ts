/**
 * An annotated tempo/key test set from a seed: tempi spread evenly on a log scale over 40–240
 * BPM, every tonic in both modes, each drum pattern and timbre, a third with noise at 12–22 dB
 * SNR. Development only (tests and scripts/bench/descriptors.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, shuffleInPlace } from '../../../electron/engine/metric/prng';
import { wavBytes } from '../../unit/fit/synth-track';
import { PROGRESSIONS, renderClip, type ClipSpec, type DrumPattern, type Mode, type Timbre } from './arrange';

export type { ClipSpec } from './arrange';
export const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

const DRUMS: DrumPattern[] = ['rock', 'four', 'shuffle', 'waltz', 'breakbeat', 'none'];
const TIMBRES: Timbre[] = ['piano', 'pluck', 'pad'];

/** `count` clip specs (a multiple of 24 covers every tonic × mode equally). */
export function annotatedSet(seed: number, count: number, seconds = 30): ClipSpec[] {
  const rng = createRng(seed);
  const bpms = shuffleInPlace(
    Array.from({ length: count }, (_, i) => Math.round(40 * 6 ** ((i + rng.next()) / count) * 10) / 10),
    rng,
  );
  const drums = shuffleInPlace(Array.from({ length: count }, (_, i) => DRUMS[i % DRUMS.length]), rng);
  const timbres = shuffleInPlace(Array.from({ length: count }, (_, i) => TIMBRES[i % TIMBRES.length]), rng);
  const noisy = shuffleInPlace(Array.from({ length: count }, (_, i) => i % 3 === 0), rng);
  return Array.from({ length: count }, (_, i) => {
    const mode: Mode = Math.floor(i / 12) % 2 ? 'minor' : 'major';
    const names = Object.keys(PROGRESSIONS[mode]);
    const spec: ClipSpec = {
      id: '',
      bpm: bpms[i],
      tonic: i % 12,
      mode,
      progression: names[rng.int(names.length)],
      drums: drums[i],
      timbre: timbres[i],
      snrDb: noisy[i] ? Math.round((12 + 10 * rng.next()) * 10) / 10 : null,
      seconds,
      seed: (seed * 7919 + i * 104729) >>> 0,
    };
    spec.id = `${String(i).padStart(3, '0')}-${spec.bpm}bpm-${NOTE_NAMES[spec.tonic]}${mode === 'minor' ? 'm' : ''}-${spec.drums}-${spec.timbre}${spec.snrDb === null ? '' : `-snr${spec.snrDb}`}`;
    return spec;
  });
}

/** Render `spec` and write it as `<dir>/<id>.wav` at `rate` Hz; returns the path. */
export async function writeClip(dir: string, spec: ClipSpec, rate = 44100): Promise<string> {
  const file = join(dir, `${spec.id}.wav`);
  await writeFile(file, wavBytes(renderClip(spec, rate), rate));
  return file;
}
