// The search layer's small pure parts against references computed another way (naive loops, a
// full sort, hand-worked cases): kernels' blocked dot products and top-k heap, the beat term's
// nearest-beat search and offset refinement, the track prefilter, section assignment, the why.
import { describe, expect, it } from 'vitest';
import { beatShare, refineOffset } from '../../../electron/engine/search/beats';
import { explainMatch } from '../../../electron/engine/search/explain';
import { dotBlock, dotRows, topK } from '../../../electron/engine/search/kernels';
import type { Matcher, MatchOptions } from '../../../electron/engine/search/matcher';
import { clipVector, prefilterSlots } from '../../../electron/engine/search/prefilter';
import { matchSections } from '../../../electron/engine/search/sections';
import type { SegmentStore } from '../../../electron/engine/search/segment-store';
import type { ClipQuery, MatchResult } from '../../../electron/engine/search/types';
import { rng, summary } from './synthetic';

const naiveDot = (a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number => {
  let s = 0;
  for (let x = 0; x < d; x++) s += a[ai * d + x] * b[bi * d + x];
  return s;
};

describe('kernels', () => {
  it('dotBlock equals a naive dot for every clip row count around the 8-row block, at an offset into the data', () => {
    const rand = rng(11);
    const d = 5;
    const data = Float32Array.from({ length: 9 * d }, () => rand() * 2 - 1);
    for (const m of [0, 1, 7, 8, 9, 15, 16, 17]) {
      const clip = Float32Array.from({ length: m * d }, () => rand() * 2 - 1);
      const rows = 3;
      const first = 2;
      const out = new Float32Array(m * rows).fill(Number.NaN);
      dotBlock(clip, m, data, first, rows, d, out);
      for (let i = 0; i < m; i++) {
        for (let r = 0; r < rows; r++) expect(out[i * rows + r], `m=${m} i=${i} r=${r}`).toBeCloseTo(naiveDot(clip, i, data, first + r, d), 5);
      }
      expect(dotRows(clip, Math.max(0, m - 1), data, 4, m > 0 ? d : 0)).toBeCloseTo(m > 0 ? naiveDot(clip, m - 1, data, 4, d) : 0, 5);
    }
  });

  it('topK equals a full sort (score down, index up on ties), leaving out NaN and skipped indices', () => {
    const rand = rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(rand() * 40);
      // One decimal: many exact ties.
      const scores = Array.from({ length: n }, () => (rand() < 0.1 ? Number.NaN : Math.round(rand() * 10) / 10));
      const skipEvery = 2 + (trial % 4);
      const skip = trial % 2 === 0 ? (i: number) => i % skipEvery === 0 : undefined;
      const ref = [...scores.keys()]
        .filter((i) => !Number.isNaN(scores[i]) && !(skip && skip(i)))
        .sort((a, b) => scores[b] - scores[a] || a - b);
      for (const k of [0, 1, 2, 3, 7, n, n + 5]) expect(topK(scores, k, skip), `trial ${trial} k ${k}`).toEqual(ref.slice(0, k));
    }
    expect(topK([3, 1, 2], -1)).toEqual([]);
  });
});

describe('beatShare and refineOffset', () => {
  const beats = [1, 2, 3, 4];

  it('finds the nearest beat on either side, before the first and after the last beat', () => {
    expect(beatShare([0.93], beats, 0)).toBe(1); // just before beat 1
    expect(beatShare([1.07], beats, 0)).toBe(1); // just after beat 1, before beat 2
    expect(beatShare([1.5], beats, 0)).toBe(0); // between
    expect(beatShare([1.93], beats, 0)).toBe(1); // right below beat 2: the upper neighbour decides
    expect(beatShare([4.05], beats, 0)).toBe(1); // after the last beat
    expect(beatShare([0.5], beats, 0)).toBe(0); // before the first beat, too far
    expect(beatShare([0.95, 4.3], beats, 0, 0.06)).toBe(0.5); // a tolerance of one's own
    expect(beatShare([0.3], beats, 0, 0.8)).toBe(1);
  });

  it('refineOffset puts the start and the cuts on beats, and of two equal fits the earlier offset', () => {
    // A cut at 0 with beats 0.2 s either side of offset 1: 0.8 and 1.2 put start and cut exactly on one; −0.2 is tried first.
    const r = refineOffset([0], [0.8, 1.2], 1);
    expect(r.beatShare).toBe(1);
    expect(r.offset).toBeCloseTo(0.8, 9);
    // Beat 0.14 after: +0.06 already hits (0.14 − 0.08), +0.14 lands exactly on it (review R25: not 80 ms off).
    expect(refineOffset([0], [1.14], 1).offset).toBeCloseTo(1.14, 9);
  });

  it('searches only ±window on its step grid, and never below 0', () => {
    // A hit needs a shift of +0.12: inside a 0.2 s window (landing on the beat at +0.2), not inside 0.1 s,
    // where the beat is beyond reach (distances count up to the window), so nothing moves.
    expect(refineOffset([0], [5.2], 5, 0.2).offset).toBeCloseTo(5.2, 9);
    expect(refineOffset([0], [5.2], 5, 0.1)).toEqual({ offset: 5, beatShare: 0 });
    // A 0.05 step reaches 0.15 (a hit) and 0.2 (on the beat).
    expect(refineOffset([0], [5.2], 5, 0.5, 0.05).offset).toBeCloseTo(5.2, 9);
    // Offset 0 itself is a candidate: from 0.04 with a 10 ms tolerance only 0 hits a beat at 0.
    expect(refineOffset([0], [0], 0.04, 0.5, 0.02, 0.01)).toEqual({ offset: 0, beatShare: 1 });
    // A beat at −0.1 would be hit from offset −0.02, which does not exist.
    expect(refineOffset([0], [-0.1], 0)).toEqual({ offset: 0, beatShare: 0 });
    // No cuts: no share to win, but the music starts on the nearest beat in the window (review R25).
    const still = refineOffset([], [1], 0.9);
    expect(still.beatShare).toBe(0);
    expect(still.offset).toBeCloseTo(1, 9);
    // A beat out of the window's reach (1.1 s away) moves nothing: every candidate is as far from it.
    expect(refineOffset([], [2], 0.9)).toEqual({ offset: 0.9, beatShare: 0 });
    // No beats: nothing to refine.
    expect(refineOffset([0], [], 0.9)).toEqual({ offset: 0.9, beatShare: 0 });
  });

  it('keeps a better share found further out over a worse one nearer', () => {
    // Two cuts 1 s apart and beats 1.1 s apart: no shift puts both on beats; offset 0.1 hits
    // the first, 0.3 hits neither… the best share (0.5) nearest to the start wins.
    const r = refineOffset([0, 1], [10.3, 11.4], 10, 0.5, 0.02, 0.01);
    expect(r.beatShare).toBe(0.5);
    expect(r.offset).toBeCloseTo(10.3, 9);
  });
});

describe('prefilter', () => {
  it('clipVector is the normalised mean of the clip rows', () => {
    const clip = Float32Array.of(1, 0, 0, 3, 0, 0); // rows (1,0,0) and (3,0,0)... and the mean (2,0,0) → (1,0,0)
    expect(Array.from(clipVector(clip, 2, 3))).toEqual([1, 0, 0]);
    const v = clipVector(Float32Array.of(1, 2, 3, 4), 2, 2); // mean (2, 3)
    expect(v[0]).toBeCloseTo(2 / Math.sqrt(13), 6);
    expect(v[1]).toBeCloseTo(3 / Math.sqrt(13), 6);
  });

  it('prefilterSlots ranks track vectors by cosine with the clip, skipping as asked', () => {
    const vectors = Float32Array.of(1, 0, 0.6, 0.8, 0, 1, -1, 0);
    const store = { trackCount: 4, dim: 2, trackVectors: () => vectors } as unknown as SegmentStore;
    const clip = Float32Array.of(0.8, 0.6);
    // Cosines: 0.8, 0.96, 0.6, −0.8.
    expect(prefilterSlots(store, clip, 3)).toEqual([1, 0, 2]);
    expect(prefilterSlots(store, clip, 2, (s) => s === 1)).toEqual([0, 2]);
  });
});

describe('matchSections', () => {
  const res = (trackId: number, score: number): MatchResult => ({ trackId, score, offset: 0, alignScore: score, beatShare: 0 });
  /** A matcher that returns fixed lists per clip, and records the options it was asked with. */
  function fakeMatcher(lists: Map<ClipQuery, MatchResult[]>) {
    const asked: MatchOptions[] = [];
    const matcher = {
      async match(clip: ClipQuery, opts: MatchOptions) {
        asked.push(opts);
        return lists.get(clip)!.slice(0, opts.topK ?? 10);
      },
    } as unknown as Matcher;
    return { matcher, asked };
  }
  const clip = (): ClipQuery => ({ embeddings: new Float32Array(0), cuts: [], summary: { duration: 1, cuts: [], motion: 0, brightness: 0 } }) as unknown as ClipQuery;

  it('gives each track to the section it fits best, the others their best remaining, topK each', async () => {
    const [a, b] = [clip(), clip()];
    const { matcher, asked } = fakeMatcher(
      new Map([
        [a, [res(1, 0.9), res(2, 0.8), res(3, 0.7), res(4, 0.1)]],
        [b, [res(1, 0.95), res(3, 0.85), res(5, 0.2)]],
      ]),
    );
    const lists = await matchSections(matcher, [a, b], { topK: 2 });
    expect(lists.map((l) => l.map((r) => r.trackId))).toEqual([[2, 4], [1, 3]]);
    // Each section asked for topK × sections, with enough candidates for that.
    expect(asked).toEqual([
      { topK: 4, candidates: 50 },
      { topK: 4, candidates: 50 },
    ]);
  });

  it('breaks exact score ties by section, then by track id', async () => {
    const [a, b] = [clip(), clip()];
    const { matcher } = fakeMatcher(
      new Map([
        [a, [res(7, 0.5), res(3, 0.5)]],
        [b, [res(7, 0.5), res(3, 0.5), res(9, 0.4)]],
      ]),
    );
    expect((await matchSections(matcher, [a, b], { topK: 2 })).map((l) => l.map((r) => r.trackId))).toEqual([[3, 7], [9]]);
  });

  it('asks for more candidates when many results are wanted, and passes the caller’s own', async () => {
    const clips = [clip(), clip(), clip()];
    const { matcher, asked } = fakeMatcher(new Map(clips.map((c) => [c, [res(1, 1)]])));
    await matchSections(matcher, clips, { topK: 5 });
    expect(asked[0]).toEqual({ topK: 15, candidates: 75 });
    await matchSections(matcher, clips, { topK: 5, candidates: 9 });
    expect(asked[3]).toEqual({ topK: 15, candidates: 9 });
    await matchSections(matcher, clips);
    expect(asked[6]).toEqual({ topK: 30, candidates: 150 });
  });

  it('with repeats allowed, or one clip, returns each clip’s own list as asked', async () => {
    const [a, b] = [clip(), clip()];
    const { matcher, asked } = fakeMatcher(new Map([[a, [res(1, 0.9), res(2, 0.8)]], [b, [res(1, 0.95)]]]));
    const lists = await matchSections(matcher, [a, b], { topK: 2, allowRepeats: true });
    expect(lists.map((l) => l.map((r) => r.trackId))).toEqual([[1, 2], [1]]);
    expect(asked).toEqual([{ topK: 2, allowRepeats: true }, { topK: 2, allowRepeats: true }]);
    expect((await matchSections(matcher, [a], { topK: 1 })).map((l) => l.map((r) => r.trackId))).toEqual([[1]]);
    expect(asked[2]).toEqual({ topK: 1 });
  });
});

describe('explainMatch: pace by hand', () => {
  const track = (bpm: number) => ({ summary: summary({ bpm, energy: 0.5, mode: 'minor' }), mood: { brightness: 0.5 } });
  // Cuts evenly spread: shots of duration / cuts seconds between them.
  const clipWith = (cuts: number, duration: number) => ({ duration, cuts: Array.from({ length: cuts }, (_, i) => ((i + 0.5) * duration) / cuts), motion: 0.5, brightness: 0.25 });

  it('a cut every 2 beats at 120 BPM and 60 cuts a minute: exact, shown with ≈', () => {
    // 60 cuts in 60 s, 120 BPM: 2 beats per cut.
    expect(explainMatch(clipWith(60, 60), track(120)).pace).toEqual({ cutsPerMin: 60, shotSeconds: 1, bpm: 120, beatsPerCut: 2, fit: 1, label: 'a cut every 2.0 beats (≈ 2)' });
  });

  it('off the phrase grid: low fit and no ≈; faster than the beat has its own label', () => {
    // 40 cuts a minute at 120 BPM: 3 beats per cut, log2(3/4) = −0.415 → fit 1 − 0.83 = 0.17.
    const p = explainMatch(clipWith(20, 30), track(120)).pace;
    expect(p).toEqual({ cutsPerMin: 40, shotSeconds: 1.5, bpm: 120, beatsPerCut: 3, fit: 0.17, label: 'a cut every 3.0 beats' });
    // 240 cuts a minute at 120 BPM: half a beat per cut.
    const fast = explainMatch(clipWith(120, 30), track(120)).pace;
    expect(fast).toMatchObject({ beatsPerCut: 0.5, label: 'cuts faster than the beat' });
    // 0.5 beats per cut is one octave below the nearest phrase length (1): fit 1 − 2 = 0.
    expect(fast.fit).toBe(0);
    // 0.8 beats per cut (150 cuts a minute at 120): the nearest length is 1, fit 1 − 2·0.32 = 0.36.
    expect(explainMatch(clipWith(75, 30), track(120)).pace).toMatchObject({ beatsPerCut: 0.8, fit: 0.36, label: 'a cut every 0.8 beats' });
  });

  it('no cuts or no length: one continuous shot, no verdict; no tempo says so and keeps the cut rate', () => {
    const none = { cutsPerMin: 0, shotSeconds: null, beatsPerCut: null, fit: null, label: 'one continuous shot' };
    expect(explainMatch(clipWith(0, 30), track(120)).pace).toEqual({ ...none, bpm: 120 });
    expect(explainMatch(clipWith(3, 0), track(120)).pace).toEqual({ ...none, bpm: 120 });
    expect(explainMatch(clipWith(3, 30), track(0)).pace).toEqual({ cutsPerMin: 6, shotSeconds: 10, bpm: null, beatsPerCut: null, fit: null, label: 'no steady tempo in the track' });
  });

  it('energy and mood labels: within 0.15 the same, else which side is more; fit is 1 − |difference|', () => {
    const t = (energy: number, mode: 'major' | 'minor', brightness: number) => ({ summary: summary({ energy, mode }), mood: { brightness } });
    const c = { duration: 10, cuts: [], motion: 0.5, brightness: 0.5 };
    expect(explainMatch(c, t(0.625, 'minor', 0.75)).energy).toEqual({ motion: 0.5, energy: 0.63, fit: 0.88, label: 'energy matches motion' });
    expect(explainMatch(c, t(0.25, 'minor', 0.5)).energy).toMatchObject({ fit: 0.75, label: 'picture busier than the music' });
    expect(explainMatch(c, t(0.875, 'minor', 0.5)).energy).toMatchObject({ fit: 0.63, label: 'music more energetic than the picture' });
    // Minor, brightness 0.75: valence 0.375 (within 0.15 of 0.5).
    expect(explainMatch(c, t(0.5, 'minor', 0.75)).mood).toEqual({ brightness: 0.5, valence: 0.38, fit: 0.88, label: 'mood matches brightness' });
    expect(explainMatch(c, t(0.5, 'major', 0.75)).mood).toMatchObject({ valence: 0.88, label: 'music brighter than the picture' });
    expect(explainMatch(c, t(0.5, 'minor', 0.25)).mood).toMatchObject({ valence: 0.13, fit: 0.63, label: 'picture brighter than the music' });
  });
});
