/**
 * Refusals and fall-backs of the on-disk index and the store, each by its kind and message: an
 * unreadable record is no index, a damaged scan model is an input error naming it, a track given
 * twice and a clip of the wrong size are internal errors, a layout that miscounts its tracks is
 * refused, an unknown track id is refused; and when another build of the same key finishes
 * first, its index is kept.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';
import { loadSegmentIndexIn, openSegmentIndex, readSegmentIndexMeta, writeSegmentIndex, type IndexTrack } from '../../../electron/engine/search/segment-index';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows, trackInfo } from './synthetic';

const d = 8;
const root = mkdtempSync(join(tmpdir(), 'needledrop-index-refusals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const info = trackInfo;
const some = (seed: number, ids: number[]): IndexTrack[] => ids.map((id) => track(id, unitRows(rng(seed + id), 6, d), d));

it('reads an unparseable record as no index', async () => {
  const dir = join(root, 'garbled');
  await writeSegmentIndex(dir, 'k', d, some(1, [1, 2]));
  writeFileSync(join(dir, 'meta.json'), '{ "format": ');
  expect(readSegmentIndexMeta(dir, 'k')).toBeNull();
  expect(await openSegmentIndex(dir, 'k', info)).toBeNull();
});

it('refuses a damaged scan model as an input error naming it', async () => {
  const dir = join(root, 'model');
  await writeSegmentIndex(dir, 'k', d, some(2, [1, 2]));
  writeFileSync(join(dir, 'scan.onnx'), 'not a model');
  await expect(openSegmentIndex(dir, 'k', info)).rejects.toMatchObject({ kind: 'input', file: join(dir, 'scan.onnx'), message: expect.stringMatching(/scan\.onnx: cannot be opened \(.*\): the segment index is damaged$/) });
});

it('calls a track given twice, or a clip of the wrong size, internal errors', async () => {
  await expect(writeSegmentIndex(join(root, 'twice'), 'k', d, some(3, [1, 1]))).rejects.toMatchObject({ kind: 'internal', message: 'track 1 is given twice to the segment index' });
  const store = new SegmentStore(d);
  store.addTrack(track(1, unitRows(rng(4), 5, d), d));
  await expect(new Matcher(store).match({ embeddings: new Float32Array(d + 1), cuts: [] })).rejects.toMatchObject({ kind: 'internal' });
});

it('refuses a layout whose counts or vectors miss its tracks, and an unknown track id', () => {
  const path = join(root, 'rows.f32');
  const writer = new RowFileWriter(path, d);
  writer.append(unitRows(rng(5), 6, d));
  writer.close();
  const file = RowFile.open(path, d, 6);
  const starts = new Float32Array(6);
  const vectors = new Float32Array(2 * d);
  expect(() => SegmentStore.onDisk(file, { ids: [1, 2], counts: [6], starts, vectors }, info)).toThrow(`${path}: layout of 2 tracks has 1 counts and 2 vectors`);
  expect(() => SegmentStore.onDisk(file, { ids: [1, 2], counts: [3, 3], starts, vectors: new Float32Array(d) }, info)).toThrow(`${path}: layout of 2 tracks has 2 counts and 1 vectors`);
  const store = SegmentStore.onDisk(file, { ids: [1, 2], counts: [3, 3], starts, vectors }, info);
  expect(store.slotOf(2)).toBe(1);
  expect(() => store.info(3)).toThrow('3');
  expect(() => store.trackVector(3)).toThrow('3');
  file.close();
});

it('keeps the index another build of the same key finished first', async () => {
  const dir = join(root, 'race');
  const key = 'model-v1';
  // The other build (tracks 7, 8) finishes while ours (tracks 1, 2) is reading its tracks.
  async function* ours(): AsyncGenerator<IndexTrack> {
    await loadSegmentIndexIn(dir, key, d, () => some(6, [7, 8]), info).then((other) => other.close());
    yield* some(6, [1, 2]);
  }
  const opened = await loadSegmentIndexIn(dir, key, d, ours, info);
  expect(opened.built).toBe(true);
  expect(opened.store.trackIds()).toEqual([7, 8]);
  await opened.close();
  expect(readdirSync(dir)).toHaveLength(1); // our build folder is gone
});
