/**
 * Tempo and key of generated music through the real decode → extract path. The truths are the
 * generator's parameters (tests/helpers/annotated-music: the quarter-note pulse, the
 * progression's tonic and mode), not anything the code computes. scripts/bench/descriptors.ts
 * measures the same on 72 clips against essentia.js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { KEY_MIN_CONFIDENCE } from '../../../electron/engine/features/key';
import { PITCH_CLASSES } from '../../../electron/engine/features/spec';
import { TEMPO_MIN_CONFIDENCE } from '../../../electron/engine/features/tempo';
import type { ClipSpec, DrumPattern, Timbre } from '../../helpers/annotated-music/arrange';
import { writeClip } from '../../helpers/annotated-music/set';
import * as gen from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-tempo-key-'));
});
afterAll(() => cleanup?.());

function clip(o: Partial<ClipSpec> & { bpm: number; drums: DrumPattern; timbre: Timbre }): ClipSpec {
  const spec: ClipSpec = { id: '', tonic: 2, mode: 'major', progression: 'I-IV-V-I', snrDb: null, seconds: 16, seed: 11, ...o };
  spec.id = `${spec.drums}-${spec.timbre}-${spec.bpm}-${spec.tonic}${spec.mode}-${spec.snrDb ?? 'clean'}`;
  return spec;
}

const within = (est: number, ref: number): boolean => Math.abs(est - ref) <= 0.04 * ref;

describe('tempo across 40–240 BPM (±4 %, octave boundaries included)', () => {
  it.each([
    [40, 'rock', 'piano'],
    [60, 'rock', 'pluck'],
    [90, 'rock', 'piano'],
    [120, 'rock', 'pad'],
    [160, 'rock', 'piano'],
    [240, 'rock', 'piano'],
    [50, 'four', 'piano'],
    [107, 'four', 'piano'],
    [200, 'four', 'piano'],
    [107, 'none', 'pluck'],
    [180, 'none', 'pluck'],
  ] as const)('%i BPM, %s drums, %s', async (bpm, drums, timbre) => {
    const file = await writeClip(dir, clip({ bpm, drums, timbre }));
    const { summary } = await extractAudioFeatures(file);
    expect(summary.tempo, `read ${summary.tempo?.bpm}`).not.toBeNull();
    expect(within(summary.tempo!.bpm, bpm), `read ${summary.tempo!.bpm}`).toBe(true);
    expect(summary.tempo!.confidence).toBeGreaterThanOrEqual(TEMPO_MIN_CONFIDENCE);
    // Beats follow the summary tempo (mean gap: single gaps are whole 40 ms frames).
    const b = summary.beats;
    expect(within(((b.length - 1) * 60) / (b[b.length - 1] - b[0]), bpm), `${b.length} beats`).toBe(true);
  });

  it.each([40, 200, 240])('a %i BPM click track reads its own tempo', async (bpm) => {
    const { summary } = await extractAudioFeatures(await gen.clickTrack(dir, { bpm, seconds: 16, sampleRate: 44100, name: `click${bpm}.wav` }));
    expect(within(summary.tempo!.bpm, bpm), `read ${summary.tempo?.bpm}`).toBe(true);
  });

  it('a steady sine has no tempo and no key (unknown, not a number)', async () => {
    const { summary } = await extractAudioFeatures(await gen.sine(dir, { freq: 440, seconds: 10, sampleRate: 44100, name: 'sine10.wav' }));
    expect(summary.tempo).toBeNull();
    expect(summary.beats).toEqual([]);
    expect(summary.key).toBeNull();
  });
});

/** MIREX key score (mir_eval's weighted_score): exact 1, fifth above 0.5, relative 0.3, parallel 0.2. */
function mirex(est: { tonic: string; mode: string } | null, tonic: number, mode: string): number {
  if (!est) return 0;
  const d = (PITCH_CLASSES.indexOf(est.tonic as (typeof PITCH_CLASSES)[number]) - tonic + 12) % 12;
  if (est.mode === mode) return d === 0 ? 1 : d === 7 ? 0.5 : 0;
  if (mode === 'major' && d === 9) return 0.3;
  if (mode === 'minor' && d === 3) return 0.3;
  return d === 0 ? 0.2 : 0;
}

describe('key in every tonic and mode', () => {
  // One clip per tonic and mode (I–IV–V–I, i–iv–V–i; piano, pluck, pad in turn; a third under
  // noise at 15 dB SNR). Per clip the key is right about 85 % of the time (the bench), so the
  // test holds the set to the issue's goal rather than every clip to perfection.
  it('scores ≥ 0.85 MIREX weighted over the 24 keys, at least 20 exactly, none unrelated (score 0)', async () => {
    const timbres: Timbre[] = ['piano', 'pluck', 'pad'];
    const scores: number[] = [];
    const wrong: string[] = [];
    for (const mode of ['major', 'minor'] as const) {
      for (let tonic = 0; tonic < 12; tonic++) {
        const spec = clip({
          bpm: 96 + 4 * tonic,
          drums: 'rock',
          timbre: timbres[(tonic + (mode === 'minor' ? 1 : 0)) % 3],
          tonic,
          mode,
          progression: mode === 'major' ? 'I-IV-V-I' : 'i-iv-V-i',
          seconds: 10,
          seed: 300 + tonic,
          snrDb: tonic % 3 === 2 ? 15 : null,
        });
        const { summary } = await extractAudioFeatures(await writeClip(dir, spec));
        const score = mirex(summary.key, tonic, mode);
        scores.push(score);
        if (score < 1) wrong.push(`${PITCH_CLASSES[tonic]} ${mode} read ${summary.key ? `${summary.key.tonic} ${summary.key.mode}` : 'unknown'}`);
        if (summary.key) expect(summary.key.confidence).toBeGreaterThanOrEqual(KEY_MIN_CONFIDENCE);
      }
    }
    expect(scores.reduce((a, b) => a + b, 0) / scores.length, wrong.join('; ')).toBeGreaterThanOrEqual(0.85);
    expect(scores.filter((s) => s === 1).length, wrong.join('; ')).toBeGreaterThanOrEqual(20);
    expect(scores.filter((s) => s === 0), wrong.join('; ')).toEqual([]);
  }, 120_000);
});
