/**
 * The scan's building and its refusals: the int8 codes checked value by value against the
 * quantisation its doc comments describe (7 bits, one library-wide scale, column c = the c-th
 * kept row), progress rate and ETA under a clock the test drives, cancels and library changes
 * named in the error, no rebuild when nothing changed, and a released scan that builds again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import type { AnnBuildProgress } from '../../../electron/engine/search/types';
import { quantiseScan, SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const CHANGED = 'search index sync (the library changed meanwhile) cancelled';

afterEach(() => {
  vi.restoreAllMocks();
});

function storeOf(d: number, lengths: number[], seed: number): { store: SegmentStore; rows: Float32Array[] } {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  const rows = lengths.map((n, i) => {
    const r = unitRows(rand, n, d);
    store.addTrack(track(i + 1, r, d));
    return r;
  });
  return { store, rows };
}

describe('quantiseScan', () => {
  it.each([1, 2, 3])('codes every stride-th row of every track, the last row of the last track too (stride %d)', async (stride) => {
    const d = 4;
    const { store, rows } = storeOf(d, [5, 3, 6], 601);
    const codes = await quantiseScan(store, stride);
    // Written out from the ScanCodes contract: kept rows r = 0, stride, 2·stride… of each track in slot order.
    const kept: number[][] = [];
    for (const r of rows) for (let i = 0; i < r.length / d; i += stride) kept.push(Array.from(r.subarray(i * d, (i + 1) * d)));
    const max = Math.max(...kept.flat().map(Math.abs));
    expect(codes.scale).toBeCloseTo(max / 63, 7);
    const cols = kept.length;
    const want = new Int8Array(d * cols);
    kept.forEach((row, c) => row.forEach((v, x) => (want[x * cols + c] = Math.round(v * (63 / max)))));
    expect(Array.from(codes.weights)).toEqual(Array.from(want));
  });

  it('reports progress with the rate and ETA of the clock it reads', async () => {
    const d = 2;
    // 40,000 rows, then 1,000: one report after the first track (past the 32,768-row chunk), one at the end.
    const { store } = storeOf(d, [40_000, 1_000], 602);
    const readings: number[] = [];
    let clock = 10_000;
    vi.spyOn(performance, 'now').mockImplementation(() => {
      clock += 500;
      readings.push(clock);
      return clock;
    });
    const reports: Array<AnnBuildProgress & { elapsed: number }> = [];
    const first = readings.length;
    await quantiseScan(store, 1, {
      maxAbs: 1,
      onProgress: (p) => reports.push({ ...p, elapsed: (readings[readings.length - 1] - readings[first]) / 1000 }),
    });
    expect(reports.map((p) => [p.done, p.total])).toEqual([
      [40_000, 41_000],
      [41_000, 41_000],
    ]);
    for (const p of reports) {
      expect(p.elapsed).toBeGreaterThan(0);
      expect(p.rate).toBeCloseTo(p.done / p.elapsed, 6);
      expect(p.etaSeconds).toBeCloseTo((p.total - p.done) / (p.done / p.elapsed), 6);
    }
    expect(reports[0].etaSeconds).toBeGreaterThan(0);
  });

  it('a signal aborted before it starts stops it before any work or progress', async () => {
    const { store } = storeOf(2, [4, 4], 603);
    const controller = new AbortController();
    controller.abort();
    const onProgress = vi.fn();
    await expect(quantiseScan(store, 1, { signal: controller.signal, maxAbs: 1, onProgress })).rejects.toMatchObject({
      kind: 'cancelled',
      message: 'building the search index cancelled',
    });
    expect(onProgress).not.toHaveBeenCalled();
  });

  it('refuses codes of a library that changed while it read the rows', async () => {
    const d = 2;
    const { store } = storeOf(d, [4, 4], 604);
    const quantising = quantiseScan(store, 1);
    // Runs while quantiseScan waits for its first yield.
    store.addTrack(track(9, unitRows(rng(605), 3, d), d));
    await expect(quantising).rejects.toMatchObject({ kind: 'cancelled', message: CHANGED });
  });
});

describe('SegmentScan', () => {
  it('has no columns and no stride before it is synced and after it is released', async () => {
    const scan = new SegmentScan(4, { threads: 1 });
    expect(scan.size).toBe(0);
    expect(scan.stride).toBe(0);
    const { store } = storeOf(4, [5, 3], 606);
    await scan.sync(store);
    expect(scan.size).toBe(8);
    expect(scan.stride).toBe(1);
    await scan.release();
    expect(scan.size).toBe(0);
    expect(scan.stride).toBe(0);
  });

  it('names what is wrong when it is used before sync()', async () => {
    const { store } = storeOf(4, [5], 607);
    const scan = new SegmentScan(4, { threads: 1 });
    await expect(scan.scan(store, unitRows(rng(608), 2, 4), 2)).rejects.toMatchObject({
      kind: 'internal',
      message: 'the scan is not in sync with the segment store: call sync() first',
    });
  });

  it('does no work when synced again on an unchanged library', async () => {
    const { store } = storeOf(4, [6, 5], 609);
    const scan = new SegmentScan(4, { threads: 1 });
    const first = vi.fn();
    await scan.sync(store, { onProgress: first });
    expect(first).toHaveBeenCalled();
    const again = vi.fn();
    await scan.sync(store, { onProgress: again });
    expect(again).not.toHaveBeenCalled();
    await scan.release();
  });

  it('refuses codes of the wrong size, naming both sizes', async () => {
    const d = 4;
    const { store } = storeOf(d, [5, 3], 610);
    const scan = new SegmentScan(d, { threads: 1 });
    const err = await scan.load(store, { stride: 1, scale: 1, weights: new Int8Array(3) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedledropError);
    expect((err as NeedledropError).kind).toBe('internal');
    expect((err as NeedledropError).message).toBe('scan codes hold 3 values, the store needs 8 kept rows × 4');
  });

  it('refuses to load codes when the library changed while the kernel opened', async () => {
    const d = 4;
    const { store } = storeOf(d, [5, 3], 611);
    const codes = await quantiseScan(store, 1);
    const scan = new SegmentScan(d, { threads: 1 });
    const loading = scan.load(store, codes);
    store.addTrack(track(9, unitRows(rng(612), 3, d), d));
    await expect(loading).rejects.toMatchObject({ kind: 'cancelled', message: CHANGED });
    expect(scan.inSync(store)).toBe(false);
  });

  it('builds again after release, on a library at version 1 as on any other', async () => {
    const d = 4;
    const { store } = storeOf(d, [7], 613);
    expect(store.version).toBe(1);
    const clip = unitRows(rng(614), 3, d);
    const scan = new SegmentScan(d, { threads: 1 });
    await scan.sync(store);
    const before = await scan.scan(store, clip, 3);
    await scan.release();
    expect(scan.inSync(store)).toBe(false);
    await scan.sync(store);
    const after = await scan.scan(store, clip, 3);
    expect(Array.from(after.score)).toEqual(Array.from(before.score));
    expect(Array.from(after.start)).toEqual(Array.from(before.start));
    await scan.release();
  });
});
