/**
 * A library change that lands after the quantiser's last check but before the kernel is loaded
 * (another task's continuation in the same turn, played here by a microtask queued from the
 * abort signal's last read) is still caught: sync() refuses with the "library changed" cancel
 * instead of loading codes of the old library.
 */
import { expect, it } from 'vitest';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

it('refuses codes when the library changes in the gap after quantising', async () => {
  const d = 4;
  const rand = rng(921);
  const store = new SegmentStore(d);
  store.addTrack(track(1, unitRows(rand, 6, d), d));
  store.addTrack(track(2, unitRows(rand, 5, d), d));
  let lastPass = false;
  let changed = false;
  // An AbortSignal stand-in: once the final progress report is out, its next read queues the change.
  const signal = {
    get aborted(): boolean {
      if (lastPass && !changed) {
        changed = true;
        queueMicrotask(() => store.addTrack(track(3, unitRows(rand, 4, d), d)));
      }
      return false;
    },
  } as AbortSignal;
  const scan = new SegmentScan(d, { stride: 1, threads: 1 });
  const syncing = scan.sync(store, { signal, onProgress: (p) => (lastPass = p.done === p.total) });
  await expect(syncing).rejects.toMatchObject({ kind: 'cancelled', message: 'search index sync (the library changed meanwhile) cancelled' });
  expect(changed).toBe(true);
  expect(scan.inSync(store)).toBe(false);
  // The next sync builds for the library as it is now.
  await scan.sync(store);
  expect(scan.size).toBe(15);
  await scan.release();
});
