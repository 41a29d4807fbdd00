/**
 * Which stored audio columns the music encoder reads. `timbre` keeps the spectral envelope and
 * level (mel bands, rms_db, centroid, roll-off, flatness): what an album's instruments and
 * production share. `all` adds rhythm and key-relative harmony, which tell one track from
 * another (and so are what a track-discriminating objective latches onto) but say little about
 * which album a track is from.
 */
import { inputError } from '../errors';
import type { FeatureSeq } from '../features/types';

export type ColumnSet = 'all' | 'timbre';

const TIMBRE = /^(mel_\d+|rms_db|centroid_hz|rolloff_hz|flatness)$/;

export function columnNames(names: readonly string[], set: ColumnSet): string[] {
  return set === 'all' ? [...names] : names.filter((n) => TIMBRE.test(n));
}

/** The sequence restricted to `names`, in that order; a missing column is an input error naming `source`. */
export function selectColumns(seq: FeatureSeq, names: readonly string[], source = 'track'): FeatureSeq {
  if (names.length === seq.D && names.every((n, i) => seq.names[i] === n)) return seq;
  const idx = names.map((n) => {
    const i = seq.names.indexOf(n);
    if (i < 0) throw inputError(source, `its audio features lack column "${n}" the music space reads`);
    return i;
  });
  const D = idx.length;
  const data = new Float32Array(seq.T * D);
  for (let t = 0; t < seq.T; t++) for (let c = 0; c < D; c++) data[t * D + c] = seq.data[t * seq.D + idx[c]];
  return { ...seq, names: [...names], data, D };
}
