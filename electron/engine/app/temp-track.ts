/**
 * The clip's own sound (review R3.8: it was never read). An editor's rough cut often carries a temp
 * track, and a finished edit its music: "find me music like my temp track that fits the picture".
 *
 * - `ClipSoundCache`: the clip's audio over the matched range, described by the indexer's own audio
 *   descriptors (features/audio.ts) and classed music / speech / silence by the measure fine-tuning
 *   uses to keep or skip a finished edit (train/edits.ts soundtrackKind); 'none' without an audio stream.
 * - `soundProjector`: where a clip's music sits in the music space of `similar` (the track profile,
 *   similarity/profile.ts), z-scored with the library's own statistics. Only the stored-feature
 *   families: a clip's sound is a mix re-encoded in a video, so the production signature (a
 *   master's spectrum and stereo width) is left out on both sides. Compared before the library-graph
 *   re-ranking (diffusion, DBA): the clip is not a node of the library's graph, and the graph would
 *   spread a recording's own score over its album neighbours.
 * - `alignRecording`: where the clip's music is a library track, where in the track: the
 *   cross-correlation of their log-mel steps, refined between steps.
 */
import { stat } from 'node:fs/promises';
import type { ClipSoundtrack } from '../../contract/types';
import { inputError } from '../errors';
import { describeAudioPhases, extractAudioPhases } from '../features/audio';
import { resolveRange, type Partial } from '../features/range';
import { AUDIO_SPEC } from '../features/spec';
import type { FeatureSeq } from '../features/types';
import { audioStream, type MediaInfo } from '../media/probe';
import { PRODUCTION_FAMILIES, trackProfile, type FamilyStats } from '../similarity/profile';
import { melColumns } from '../similarity/descriptor-stats';
import { soundtrackKind, stepSounds } from '../train/edits';
import { round } from '../util/round';
import { seqRows } from './clip';
import { errorMessage } from '../util/error-message';

export { TEMP_TRACK_WEIGHT } from '../../contract/temp-track';

/**
 * Correlation of log-mel steps above which the clip's music is taken to be the track itself.
 * Measured on the 7 longer recordings of shared/media, each under a test picture (AAC in MP4) from
 * 3.1, 12.3 and 20.7 s for 10, 20 and 8 s, against all 7 at the best of the clip's PHASES: the
 * recording itself 0.91–0.998, at its offset ± 0.07 s; any other recording at most 0.76 (an 8 s
 * clip against a track's last 5.5 s), mostly below 0.55.
 */
export const SAME_RECORDING = 0.85;

/** How many tracks, the nearest to the clip's music first, are cross-correlated with it. */
export const ALIGN_CANDIDATES = 8;

/** The clip's audio as described, with its descriptors (null without music to compare). */
export interface ClipSound {
  view: ClipSoundtrack;
  seq: FeatureSeq | null;
  /** With `seq`, when asked for (a temp-track ranking): the music described from PHASES starts, `seq` first (alignPhased). */
  phases?: readonly FeatureSeq[];
}

/** A file's audio descriptors over a span of it (file seconds), from one start or PHASES of them. */
interface DecodedSpan {
  /** The file's size and modification time when decoded: a changed file is decoded again. */
  key: string;
  start: number;
  /** Where the span was asked to end (the audio may stop before it). */
  end: number;
  phases: FeatureSeq[];
  /**
   * The decoded PCM, while the span has one phase (the newest such span, up to PCM_KEEP_SECONDS):
   * a temp-track ranking of it describes the later phases from it (features/audio describeAudioPhases).
   */
  pcm?: { chunks: Float32Array[]; partial?: Partial };
}

/** Seconds of a span's PCM kept for its later phases: 10 min at 22.05 kHz is 53 MB, one span at a time. */
const PCM_KEEP_SECONDS = 600;

/** Two span edges this close are one (float seconds from the range arithmetic). */
const SPAN_EPS = 1e-6;

/**
 * The clip's audio, decoded once per file and span and kept (a match session holds one): a re-rank
 * of the same clip (the app's "Also by its own music" toggled, an In–Out range inside the span
 * ranked, the same range again) slices what was decoded, as sliceClip slices the picture. One
 * decode describes the music from PHASES starts at once when a temp-track ranking asks for them;
 * a plain ranking describes one (made for every match, the three more descriptions would cost
 * ~60 % of a decode of clips never ranked so) and keeps the newest span's PCM, from which a
 * temp-track ranking of it then describes the other three: no second decode.
 */
export class ClipSoundCache {
  private readonly kept = new Map<string, DecodedSpan>();
  constructor(private readonly capacity = 8) {}

  /**
   * The clip's sound between `start` and `start + duration` (file seconds), described and classed
   * music / speech / silence (the measure fine-tuning uses: train/edits.ts soundtrackKind); 'none'
   * without an audio stream (from `info`, the clip's probe: no second ffprobe).
   */
  async get(info: MediaInfo, start: number, duration: number, opts: { phased?: boolean; signal?: AbortSignal } = {}): Promise<ClipSound> {
    if (!audioStream(info)) return { view: { kind: 'none', seconds: 0 }, seq: null };
    const { file } = info;
    const end = start + duration;
    const st = await stat(file);
    const key = `${st.size}\0${st.mtimeMs}`;
    const before = this.kept.get(file);
    const kept = before?.key === key ? before : undefined;
    const inside = kept !== undefined && kept.start <= start + SPAN_EPS && end <= kept.end + SPAN_EPS;
    if (inside && (!opts.phased || kept.phases.length === PHASES)) return described(kept, start, end, opts.phased ?? false);
    if (inside && kept.pcm) {
      // Phases asked of a span decoded without them, its PCM kept: the three later starts described from it.
      const later = describeAudioPhases(kept.pcm.chunks, kept.start, PHASE_SKIPS.slice(1), kept.pcm.partial);
      const span: DecodedSpan = { key, start: kept.start, end: kept.end, phases: [kept.phases[0], ...later.map((f) => f.seq)] };
      this.keep(file, span);
      return described(span, start, end, true);
    }
    // Phases asked of a span decoded without them (its PCM not kept): the whole span again, so the next ranges inside it still slice.
    const [from, to] = inside ? [kept.start, kept.end] : [start, end];
    let phases: FeatureSeq[];
    let pcm: DecodedSpan['pcm'];
    try {
      const range = await resolveRange(file, { start: from, duration: to - from, info });
      const skips = opts.phased ? PHASE_SKIPS : PHASE_SKIPS.slice(0, 1);
      // One phase described: the PCM kept (copied: the decoder's chunks are views) for a temp-track ranking of the span.
      let chunks: Float32Array[] | undefined = opts.phased ? undefined : [];
      let samples = 0;
      const keep = (chunk: Float32Array): void => {
        if (!chunks) return;
        samples += chunk.length;
        if (samples > PCM_KEEP_SECONDS * AUDIO_SPEC.sampleRate) chunks = undefined;
        else chunks.push(chunk.slice());
      };
      const features = await extractAudioPhases(range, opts.signal ? { signal: opts.signal } : {}, skips, keep);
      phases = features.map((f) => f.seq);
      if (chunks) pcm = { chunks, ...(features[0].summary.partial ? { partial: features[0].summary.partial } : {}) };
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      // An audio stream that cannot be decoded is no reason to refuse the picture's ranking: said, not thrown.
      return { view: { kind: 'none', seconds: 0, cause: errorMessage(err) }, seq: null };
    }
    const span: DecodedSpan = { key, start: from, end: to, phases, ...(pcm ? { pcm } : {}) };
    this.keep(file, span);
    return described(span, start, end, opts.phased ?? false);
  }

  /** `span` as the file's, the newest; only it keeps PCM. */
  private keep(file: string, span: DecodedSpan): void {
    for (const other of this.kept.values()) delete other.pcm;
    this.kept.delete(file);
    this.kept.set(file, span);
    if (this.kept.size > this.capacity) this.kept.delete(this.kept.keys().next().value as string);
  }
}

/** The sound of [start, end] from a span that holds it: its rows there, classed. */
function described(span: DecodedSpan, start: number, end: number, phased: boolean): ClipSound {
  const phases = rowsWithin(span, start, end);
  const seq = phases[0];
  const m = soundtrackKind(seq);
  const view: ClipSoundtrack = { kind: m.kind, seconds: round(seq.T * seq.step, 1), music: round(m.music, 2), speech: round(m.speech, 2), silence: round(m.silence, 2) };
  if (m.kind !== 'music') return { view, seq: null };
  return { view, seq, ...(phased ? { phases } : {}) };
}

/**
 * Each phase's rows of [start, end]: the span's own phases when it is that range; inside a wider
 * span, from the row (of any phase) starting nearest `start` — within an eighth of a step with
 * PHASES of them, a quarter with one — and each other phase from its first row after that one.
 * As many rows as a decode of the range would give (stepCount: a last part-step of half or more).
 */
function rowsWithin(span: DecodedSpan, start: number, end: number): FeatureSeq[] {
  if (Math.abs(span.start - start) <= SPAN_EPS && Math.abs(span.end - end) <= SPAN_EPS) return span.phases;
  const nearest = (seq: FeatureSeq): number => Math.max(0, Math.round((start - seq.start) / seq.step));
  const lead = span.phases.reduce((best, seq) => {
    const at = seq.start + nearest(seq) * seq.step;
    const bestAt = best.start + nearest(best) * best.step;
    return Math.abs(at - start) < Math.abs(bestAt - start) ? seq : best;
  });
  const from = lead.start + nearest(lead) * lead.step;
  const ordered = [lead, ...span.phases.filter((p) => p !== lead)];
  return ordered.map((seq) => {
    const first = Math.min(seq.T, Math.max(0, Math.ceil((from - seq.start) / seq.step - SPAN_EPS)));
    const seconds = end - (seq.start + first * seq.step);
    const whole = Math.floor(seconds / seq.step + SPAN_EPS);
    const rows = seconds <= 0 ? 0 : Math.max(1, whole + (seconds - whole * seq.step >= seq.step / 2 - SPAN_EPS ? 1 : 0));
    return seqRows(seq, first, Math.min(seq.T, first + rows));
  });
}

/** Cosine of two rows over their first `dim` values. */
function cosinePrefix(a: ArrayLike<number>, aAt: number, b: ArrayLike<number>, bAt: number, dim: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let d = 0; d < dim; d++) {
    const x = a[aAt + d];
    const y = b[bAt + d];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The library's profile as similarity/space.ts hands it out before re-ranking, with its families' statistics. */
export interface ProfileVectors {
  trackIds: number[];
  dim: number;
  data: Float32Array;
  families: FamilyStats[];
}

/**
 * Cosine of the clip's music with every track of the profile, over the stored-feature families
 * (the production families come last in a profile row and are left out).
 */
export function soundSimilarity(profile: ProfileVectors, clip: FeatureSeq, source: string): Map<number, number> {
  const stored = profile.families.filter((f) => !(PRODUCTION_FAMILIES as readonly string[]).includes(f.name));
  const storedDim = stored.reduce((s, f) => s + f.dim, 0);
  const values = trackProfile(clip, source);
  const q = new Float64Array(storedDim);
  let at = 0;
  for (const f of stored) {
    const v = values.get(f.name);
    if (!v || v.length !== f.dim) throw inputError(source, `its audio descriptors have no ${f.name} of ${f.dim} values: another feature spec than the library's`);
    // As familySpace: z-scored with the library's mean and std (a constant column is 0), scaled per family.
    for (let d = 0; d < f.dim; d++) q[at + d] = f.std[d] > 1e-9 ? (f.scale * (v[d] - f.mean[d])) / f.std[d] : 0;
    at += f.dim;
  }
  const out = new Map<number, number>();
  profile.trackIds.forEach((id, i) => out.set(id, cosinePrefix(q, 0, profile.data, i * profile.dim, storedDim)));
  return out;
}

/** Where the clip's music is in a track: track seconds at the clip's first step, and how well they correlate there. */
export interface RecordingAlignment {
  offset: number;
  correlation: number;
}

/**
 * Normalised cross-correlation of the clip's log-mel steps with the track's, every band centred
 * on its mean over the compared steps (a level or EQ difference does not count; the same notes
 * at the same times do), at every lag where at least half the clip (and 4 s) lies inside the
 * track: a clip whose music runs past the track's end is compared on its steps inside it. The best
 * lag is refined between steps by a parabola through it and its neighbours. Null when too short.
 */
export function alignRecording(clip: FeatureSeq, track: FeatureSeq): RecordingAlignment | null {
  const cm = melColumns(clip.names);
  const tm = melColumns(track.names);
  const B = Math.min(cm.length, tm.length);
  const m = clip.T;
  const n = track.T;
  const least = Math.max(MIN_OVERLAP_STEPS, Math.ceil(m / 2));
  if (B === 0 || n < least || m < least) return null;
  // Per band, prefix sums of values and squares (the centring of any span in O(1)).
  const prefix = (seq: FeatureSeq, cols: number[], T: number): { sum: Float64Array; sq: Float64Array } => {
    const sum = new Float64Array((T + 1) * B);
    const sq = new Float64Array((T + 1) * B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const x = seq.data[t * seq.D + cols[b]];
        sum[(t + 1) * B + b] = sum[t * B + b] + x;
        sq[(t + 1) * B + b] = sq[t * B + b] + x * x;
      }
    }
    return { sum, sq };
  };
  const c = prefix(clip, cm, m);
  const s = prefix(track, tm, n);
  const lags = n - least + 1;
  const r = new Float64Array(lags);
  for (let L = 0; L < lags; L++) {
    const k = Math.min(m, n - L);
    let dot = 0;
    for (let t = 0; t < k; t++) {
      const cr = t * clip.D;
      const sr = (L + t) * track.D;
      for (let b = 0; b < B; b++) dot += clip.data[cr + cm[b]] * track.data[sr + tm[b]];
    }
    let num = 0;
    let cc = 0;
    let ss = 0;
    for (let b = 0; b < B; b++) {
      const cs = c.sum[k * B + b];
      const ts = s.sum[(L + k) * B + b] - s.sum[L * B + b];
      num -= (cs * ts) / k;
      cc += c.sq[k * B + b] - (cs * cs) / k;
      ss += s.sq[(L + k) * B + b] - s.sq[L * B + b] - (ts * ts) / k;
    }
    num += dot;
    r[L] = cc > 0 && ss > 0 ? num / Math.sqrt(cc * ss) : 0;
  }
  let best = 0;
  for (let L = 1; L < lags; L++) if (r[L] > r[best]) best = L;
  let shift = 0;
  if (best > 0 && best < lags - 1) {
    const [a, b0, c0] = [r[best - 1], r[best], r[best + 1]];
    const den = a - 2 * b0 + c0;
    if (den < 0) shift = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c0)) / den));
  }
  return { offset: track.start + (best + shift) * track.step, correlation: r[best] };
}

/** The fewest steps of the clip (4 s) compared with a track. */
const MIN_OVERLAP_STEPS = 8;

/**
 * The clip's steps fall between the track's (the indexer's 0.5 s grid starts at the track's start),
 * which lowers their correlation by up to a third where the music moves fast (measured on the same
 * clips: the recording itself 0.68–0.99 from one start, 0.91–0.998 at the best of four). The clip's audio is described from `PHASES`
 * starts a quarter step apart (one decode: ClipSoundCache), one of which lies within 1/16 s of the track's grid wherever the clip's music starts in it.
 */
export const PHASES = 4;

/** Samples into a decoded range where each phase's description starts: PHASES starts a quarter step apart, to the nearest sample. */
const PHASE_SKIPS = Array.from({ length: PHASES }, (_, i) => Math.round((i * AUDIO_SPEC.step * AUDIO_SPEC.sampleRate) / PHASES));

/** Steps of music in a row that mark where the clip's music begins (and, the last such, where it ends). */
const MUSIC_RUN = 4;

/**
 * The clip's music alone: its steps from the first run of MUSIC_RUN music steps to the end of the
 * last (train/edits.ts stepSounds), so that a lead-in of silence or speech, or a tail, is not
 * compared with the track; the whole clip when no such run exists.
 */
export function musicSpan(seq: FeatureSeq): FeatureSeq {
  const kinds = stepSounds(seq);
  let first = -1;
  let last = -1;
  let run = 0;
  for (let t = 0; t < kinds.length; t++) {
    run = kinds[t] === 'music' ? run + 1 : 0;
    if (run < MUSIC_RUN) continue;
    if (first < 0) first = t - MUSIC_RUN + 1;
    last = t;
  }
  if (first < 0) return seq;
  // Music steps right after the last full run belong to it.
  while (last + 1 < kinds.length && kinds[last + 1] === 'music') last++;
  return first === 0 && last === seq.T - 1 ? seq : seqRows(seq, first, last + 1);
}

/**
 * The best alignment of the clip's music (described at several phases) in a track: track seconds
 * at `at` (the clip's start, file seconds), never before the track's start. Each phase is compared
 * on its music's span (musicSpan): a clip whose music starts after seconds of silence or speech was
 * compared from its first step, and the lead-in, unlike anything in the track, kept the recording
 * itself under SAME_RECORDING.
 */
export function alignPhased(phases: readonly FeatureSeq[], track: FeatureSeq, at: number): RecordingAlignment | null {
  let best: RecordingAlignment | null = null;
  for (const seq of phases) {
    const music = musicSpan(seq);
    const a = alignRecording(music, track);
    // The music's first step is `music.start − at` into the clip: the track that far before.
    if (a && (!best || a.correlation > best.correlation)) best = { offset: Math.max(0, a.offset - (music.start - at)), correlation: a.correlation };
  }
  return best;
}
