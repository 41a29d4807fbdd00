import { describe, expect, it } from 'vitest';
import type { Segments } from '../../../electron/engine/encoders/segments';
import { evaluateEmbedder, oracleBaseline, randomBaseline, type DirectionReport, type DualEmbedder } from '../../../electron/engine/train/eval';
import type { PairSample } from '../../../electron/engine/train/dataset';
import { formatReports } from '../../../scripts/cli/format';
import { syntheticTrainingData } from './synthetic';

const N = 12;
const items: PairSample[] = syntheticTrainingData({ counts: { train: 0, val: 0, test: N } }).pairs;

const perfect: DirectionReport = { recall1: 1, recall5: 1, recall10: 1, medianRank: 1, mapAtR: 1, gallery: N };

/**
 * One vector per clip and per track, repeated for each of its segments: clip i is e_i + c_i·s and
 * track j is e_{π(j)} + c_j·s, with s a shared axis and c decreasing with the index, so every
 * non-matching score is distinct and lower than a match.
 */
function handMade(perm: number[]): DualEmbedder {
  const dim = N + 1;
  const c = (i: number) => 0.05 * (N - i);
  const vector = (axis: number, i: number) => {
    const v = new Float32Array(dim);
    v[axis] = 1;
    v[N] = c(i);
    return v;
  };
  const index = new Map<Segments, number>();
  items.forEach((p, i) => {
    index.set(p.video.segments, i);
    index.set(p.audio.segments, i);
  });
  const rows = (v: Float32Array, segs: Segments) => {
    const out = new Float32Array(segs.n * dim);
    // Scaled copies per segment: the clip vector is their normalised mean, whatever the scale.
    for (let s = 0; s < segs.n; s++) out.set(v.map((x) => x * (s + 1)), s * dim);
    return out;
  };
  return {
    dim,
    video: async (segs) => rows(vector(index.get(segs)!, index.get(segs)!), segs),
    audio: async (segs) => rows(vector(perm[index.get(segs)!], index.get(segs)!), segs),
  };
}

describe('evaluation', () => {
  it('oracle baseline is perfect when latents are distinct, and not when two pairs share one', () => {
    const r = oracleBaseline(items);
    expect(r.videoToMusic).toEqual(perfect);
    expect(r.musicToVideo).toEqual(perfect);
    const twins = items.map((p, i) => (i === 5 ? { ...p, latent: items[2].latent } : p));
    expect(oracleBaseline(twins).videoToMusic.recall1).toBeCloseTo((N - 1) / N, 12);
  });

  it('random baseline is deterministic from its seed and near chance', () => {
    const a = randomBaseline(items, 42);
    expect(randomBaseline(items, 42)).toEqual(a);
    expect(randomBaseline(items, 43)).not.toEqual(a);
    // Averaged over many seeds, Recall@5 of N references is 5/N.
    let sum = 0;
    for (let s = 0; s < 200; s++) sum += randomBaseline(items, s).videoToMusic.recall5;
    expect(sum / 200).toBeGreaterThan(5 / N - 0.05);
    expect(sum / 200).toBeLessThan(5 / N + 0.05);
  });

  it('evaluateEmbedder: clip i embedded like track i gives Recall@1 = 1', async () => {
    const r = await evaluateEmbedder('identity', items, handMade(items.map((_, i) => i)));
    expect(r.method).toBe('identity');
    expect(r.videoToMusic).toEqual(perfect);
    expect(r.musicToVideo).toEqual(perfect);
  });

  it('evaluateEmbedder: swapping tracks 0↔1 and 5↔11 gives the worked-out ranks', async () => {
    const perm = items.map((_, i) => i);
    perm[0] = 1;
    perm[1] = 0;
    perm[5] = 11;
    perm[11] = 5;
    // Query i's own track is beaten by the swapped-in one, then by the lower-indexed non-matches:
    // ranks 2, 2 (0, 1), 7 (5: after the match and tracks 0–4), 12 (11: after the match and 10 others).
    const expected: Required<Omit<DirectionReport, 'mrr'>> = { recall1: 8 / 12, recall5: 10 / 12, recall10: 11 / 12, medianRank: 1, mapAtR: 8 / 12, gallery: 12 };
    const r = await evaluateEmbedder('swapped', items, handMade(perm));
    for (const dir of [r.videoToMusic, r.musicToVideo]) {
      for (const key of Object.keys(expected) as (keyof typeof expected)[]) expect(dir[key], key).toBeCloseTo(expected[key], 12);
    }
  });

  it('formatReports has a header, a separator and one row per method', () => {
    const reports = [oracleBaseline(items), randomBaseline(items, 1), { ...oracleBaseline(items), method: 'third' }];
    const lines = formatReports(reports).split('\n');
    expect(lines).toHaveLength(2 + reports.length);
    const columns = lines[0].split('|').length;
    reports.forEach((r, i) => {
      expect(lines[2 + i].startsWith(`| ${r.method} |`)).toBe(true);
      expect(lines[2 + i].split('|').length).toBe(columns);
    });
    expect(lines[2]).toContain('| 1.000 |');
  });
});
