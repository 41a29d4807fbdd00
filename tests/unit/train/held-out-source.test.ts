/**
 * Review R1.5: a fine-tune's held-out before/after ranked each window's own 8 s of music among all
 * held-out windows (labels = window), which asks which moment of one song goes with which moment of
 * its own video — what fine-tuning (windows of one edit are each other's positives) never trains.
 * evaluateHeldOut scores by source: each held-out picture window against one music entry per
 * held-out source, right when it finds its own source's music; every source weighs the same.
 */
import { describe, expect, it } from 'vitest';
import type { Segments } from '../../../electron/engine/encoders/segments';
import type { PairSample } from '../../../electron/engine/train/dataset';
import { evaluateEmbedder, evaluateHeldOut, type DualEmbedder } from '../../../electron/engine/train/eval';
import { createRng } from '../../../electron/engine/util/prng';

/** A held-out window: its source (the pair's id, a path), the music it was paired with, and its two vectors. */
interface Win {
  id: string;
  music?: string;
  video: number[];
  audio: number[];
}

/** Windows as PairSamples (only what the evaluation reads) and an embedder returning each window's vectors. */
function held(wins: Win[]): { items: PairSample[]; embedder: DualEmbedder } {
  const vectors = new Map<Segments, number[]>();
  const items = wins.map((w, i) => {
    const v = { n: 1 } as unknown as Segments;
    const a = { n: 1 } as unknown as Segments;
    vectors.set(v, w.video);
    vectors.set(a, w.audio);
    return { id: w.id, index: i, split: 'val', classId: 0, ...(w.music ? { musicSource: w.music } : {}), video: { segments: v }, audio: { segments: a } } as unknown as PairSample;
  });
  const of = async (s: Segments) => Float32Array.from(vectors.get(s) as number[]);
  return { items, embedder: { dim: wins[0].video.length, video: of, audio: of } };
}

describe('held-out scoring by source (review R1.5)', () => {
  it('windows close to their own edit’s music but not to their exact window: full marks by source, chance by window', async () => {
    // 3 held-out edits of 6 windows. Each window (pictures and music alike) is its edit's axis × 3 plus
    // its own Gaussian noise in 40 other dimensions: every music window of an edit is as close to a
    // picture window of it as its exact partner is, and nothing of another edit is close.
    const rng = createRng(7);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const dim = 43;
    const window = (edit: number): number[] => Array.from({ length: dim }, (_, k) => (k < 3 ? (k === edit ? 3 : 0) : gauss()));
    const wins: Win[] = [];
    for (let e = 0; e < 3; e++) for (let w = 0; w < 6; w++) wins.push({ id: `/edits/e${e}.mp4`, video: window(e), audio: window(e) });
    const { items, embedder } = held(wins);

    const bySource = await evaluateHeldOut('by source', items, embedder);
    for (const d of [bySource.videoToMusic, bySource.musicToVideo]) {
      expect(d).toMatchObject({ recall1: 1, medianRank: 1, mapAtR: 1, mrr: 1, gallery: 3 });
    }
    // The old measure (each window's exact partner among all 18): about 1 in 6, the edit's own windows
    // being indistinguishable from each other.
    const byWindow = await evaluateEmbedder('by window', items, embedder);
    expect(byWindow.videoToMusic.recall1).toBeLessThan(0.4);
    expect(byWindow.videoToMusic.medianRank).toBeGreaterThan(1);
  });

  it('matches Recall@K, MRR, MAP@R and median rank worked out by hand (a shared track, uneven windows, equal weight per source)', async () => {
    // Music: edit A's soundtrack on x, edit B's on y, catalogued track 9 on z, accepted under judged
    // clips C and D (so both C and D are right for it). Picture windows, and their video→music rank
    // of the right music among the 3 entries (A, B, track 9), worked out from the cosines:
    //   A1 (1, .5, 0): A .894 B .447 → 1;  A2 (.5, 1, 0): B .894 A .447 → 2;  A3 (.2, .1, 1): 9 .976 A .195 → 2
    //   B1 (0, 1, .1) → 1;  C1 (0, 0, 1) → 1;  C2 (1, 0, .5): A .894 9 .447 → 2;  D1 (.3, .2, .1): A .802 B .535 9 .267 → 3
    const x = [1, 0, 0];
    const y = [0, 1, 0];
    const z = [0, 0, 1];
    const { items, embedder } = held([
      { id: '/e/A.mp4', video: [1, 0.5, 0], audio: x },
      { id: '/e/A.mp4', video: [0.5, 1, 0], audio: x },
      { id: '/e/A.mp4', video: [0.2, 0.1, 1], audio: x },
      { id: '/e/B.mp4', video: [0, 1, 0.1], audio: y },
      { id: '/clips/C.mp4', music: 'track 9', video: [0, 0, 1], audio: z },
      { id: '/clips/C.mp4', music: 'track 9', video: [1, 0, 0.5], audio: z },
      { id: '/clips/D.mp4', music: 'track 9', video: [0.3, 0.2, 0.1], audio: z },
    ]);
    const r = await evaluateHeldOut('hand', items, embedder);
    // Each source weighs 1 (A's windows 1/3 each, C's 1/2): R@1 = (1/3 + 1 + 1/2 + 0) / 4 = 11/24;
    // MRR = ((1 + 1/2 + 1/2)/3 + 1 + (1 + 1/2)/2 + 1/3) / 4 = 0.6875; one right entry per query, so
    // MAP@R = R@1; weighted median: rank 1 holds 1/3 + 1 + 1/2 < 2 of 4, so 2. Recall@5 and @10 of 3 entries: 1.
    const v2m = r.videoToMusic;
    expect(v2m.gallery).toBe(3);
    expect(v2m.recall1).toBeCloseTo(11 / 24, 12);
    expect(v2m.mrr).toBeCloseTo(0.6875, 12);
    expect(v2m.mapAtR).toBeCloseTo(11 / 24, 12);
    expect(v2m.medianRank).toBe(2);
    expect(v2m.recall5).toBe(1);
    expect(v2m.recall10).toBe(1);
    // Music → video, against one picture entry per source (the normalised mean of its normalised windows):
    // A's music (x): D .802, A .662, C .526, B 0 → rank 2; B's (y): B first; track 9's (z): C .851, A .421,
    // D .267, B .100 → rank 1, and with 2 right entries (C, D) AP@R = 1/2.
    // R@1 = (0 + 1 + 1 + 1) / 4; MRR = (1/2 + 1 + 1 + 1) / 4; MAP@R = (0 + 1 + 1/2 + 1/2) / 4; median 1.
    const m2v = r.musicToVideo;
    expect(m2v.gallery).toBe(4);
    expect(m2v.recall1).toBeCloseTo(0.75, 12);
    expect(m2v.mrr).toBeCloseTo(0.875, 12);
    expect(m2v.mapAtR).toBeCloseTo(0.5, 12);
    expect(m2v.medianRank).toBe(1);
  });
});
