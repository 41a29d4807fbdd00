/**
 * A music-space training's lossStart and lossEnd are the mean loss of its first and last tenth of
 * steps, recomputed here from the per-step losses its progress reports (30 steps: steps 1–3 and
 * 28–30).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { trainMusicSpace, type MusicSpaceProgress } from '../../../electron/engine/similarity/train';
import { timbreTrack } from './timbre-tracks';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('trainMusicSpace loss summary', () => {
  it('lossStart / lossEnd: means of the first and last three of 30 steps', async () => {
    const seqs = Array.from({ length: 8 }, (_, i) => timbreTrack(i % 2, i, 40));
    const seen: MusicSpaceProgress[] = [];
    const r = await trainMusicSpace(seqs, { steps: 30, tracksPerBatch: 4, window: 16, hidden: 8, outDim: 8, warmup: 2 }, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const loss = seen.map((p) => p.loss);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(r.lossStart).toBeCloseTo(mean(loss.slice(0, 3)), 9);
    expect(r.lossEnd).toBeCloseTo(mean(loss.slice(-3)), 9);
    // The two ends differ (the summary is not of one stretch twice).
    expect(r.lossStart).not.toBeCloseTo(r.lossEnd, 6);
  });
});
