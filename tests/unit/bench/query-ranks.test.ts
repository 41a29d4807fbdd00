import { describe, expect, it } from 'vitest';
import { galleryBounds, galleryRanks, meanReciprocalRank, recallAt } from '../../../scripts/bench/query-ranks';

describe('round-4 per-query ranks', () => {
  it('ranks each partner by cosine similarity, ties by index (hand-worked 3-pair gallery)', () => {
    // Video [1,0], [0,1], [1,1]; music [1,0.1], [1,0], [0,1]. Video 0 is closer to music 1 (cos 1)
    // than to its own music 0 (0.995): rank 2. Video 1 prefers music 2, then music 0 (0.0995),
    // then its own music 1 (0): rank 3. Video 2 prefers music 0 (0.774), then music 1 and 2 tie
    // at 0.707, the lower index first: rank 3. Music 0 → video 0 first (0.995 > 0.774); music 1 →
    // video 0 (1), video 2 (0.707), video 1 (0): rank 3; music 2 → video 1 (1), video 2: rank 2.
    const video = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const music = Float32Array.from([1, 0.1, 1, 0, 0, 1]);
    expect(galleryRanks(video, music, 2)).toEqual({ videoToMusic: [2, 3, 3], musicToVideo: [1, 3, 2] });
  });

  it('a perfect model ranks every partner first', () => {
    const v = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(galleryRanks(v, v, 3)).toEqual({ videoToMusic: [1, 1, 1], musicToVideo: [1, 1, 1] });
  });

  it('refuses embeddings of different sizes', () => {
    expect(() => galleryRanks(new Float32Array(4), new Float32Array(6), 2)).toThrow(/4 video and 6 music/);
  });

  it('Recall@K and the mean reciprocal rank from ranks', () => {
    expect(recallAt([2, 3, 3], 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAt([1, 10, 11, 40], 10)).toBe(0.5);
    expect(meanReciprocalRank([2, 3, 3])).toBeCloseTo(7 / 18, 12);
    expect(meanReciprocalRank([1, 4])).toBeCloseTo(0.625, 12);
    expect(() => recallAt([], 10)).toThrow(/no queries/);
  });

  it('splits items into galleries of a fixed size, a short remainder joining the last', () => {
    expect(galleryBounds(114, 38)).toEqual([[0, 38], [38, 76], [76, 114]]);
    expect(galleryBounds(100, 38)).toEqual([[0, 38], [38, 100]]);
    expect(galleryBounds(20, 38)).toEqual([[0, 20]]);
    expect(() => galleryBounds(10, 1)).toThrow(/gallery size/);
  });
});
