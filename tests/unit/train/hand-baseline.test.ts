/**
 * The hand-made baseline maps each side's descriptors to arousal and valence by z-scores. When
 * every video and audio descriptor it reads is the same linear function of one shared latent per
 * pair, the two sides' mappings coincide and every clip finds its own track first.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import type { PairSample } from '../../../electron/engine/train/dataset';
import { handMadeBaseline } from '../../../electron/engine/train/eval';

function seq(names: string[], values: number[]): FeatureSeq {
  return { step: 0.5, names, data: Float32Array.from(values), T: 1, D: names.length, spec: 'test', start: 0 };
}

/** Pair i: arousal a = i (distinct), valence b = i mod 2, on every descriptor the baseline reads. */
function pair(i: number): PairSample {
  const [a, b] = [i, i % 2];
  return {
    id: `p${i}`,
    index: i,
    split: 'test',
    latent: { arousal: 0, valence: 0, pace: 0 },
    classId: 0,
    video: {
      seq: seq(['motion', 'luma_mean', 'saturation', 'warmth'], [0.01 * a, 0.2 + 0.5 * b, 0.1 + 0.3 * b, -0.2 + b]),
      summary: { duration: 10, cuts: Array.from({ length: a }, (_, k) => k + 0.5), cutsPerMinute: 6 * a, motion: 0, brightness: 0, saturation: 0, colourfulness: 0, warmth: 0, width: 64, height: 36 },
      segments: { data: new Float32Array(0), starts: [], n: 0, window: 16, D: 4 },
    },
    audio: {
      seq: seq(['rms_db', 'onset', 'centroid_hz'], [-30 + 2 * a, 0.5 * a, 1000 + 800 * b]),
      summary: { duration: 10, tempo: { bpm: 80 + 5 * a, confidence: 1 }, beats: [], key: { tonic: 'C', mode: b ? 'major' : 'minor', confidence: 1 } as PairSample['audio']['summary']['key'], loudnessLufs: null, rmsDb: 0, energy: 0, dynamicRangeDb: 0 },
      segments: { data: new Float32Array(0), starts: [], n: 0, window: 16, D: 3 },
    },
  };
}

describe('handMadeBaseline', () => {
  it('ranks every true track first when both sides carry the same latent', () => {
    const r = handMadeBaseline(Array.from({ length: 12 }, (_, i) => pair(i)));
    expect(r.videoToMusic.recall1).toBe(1);
    expect(r.musicToVideo.recall1).toBe(1);
    expect(r.videoToMusic.medianRank).toBe(1);
  });
});
