/**
 * The music space's files read back as written, and refused by name when they are not what they
 * claim: a vector cache's vectors (by content hash) survive the round trip bit for bit; a space
 * manifest of another kind is "not a music space manifest"; a crop sampler asked for more groups
 * per batch than the tracks fall into says so with both numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrackCropSampler } from '../../../electron/engine/similarity/crops';
import { readSpaceManifest, SPACE_FILE } from '../../../electron/engine/similarity/model';
import { readVectorCache, writeVectorCache } from '../../../electron/engine/similarity/vector-cache';

const tmp = mkdtempSync(join(tmpdir(), 'nd-space-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('vector cache', () => {
  it('reads back the space id, the dimension and every vector exactly', async () => {
    const dir = join(tmp, 'cache');
    const vectors = new Map([
      ['aa11', Float32Array.of(0.6, -0.8, 0)],
      ['bb22', Float32Array.of(1 / 3, 2 / 3, -2 / 3)],
    ]);
    await writeVectorCache(dir, { spaceId: 'space-7', dim: 3, vectors });
    const back = await readVectorCache(dir);
    expect(back?.spaceId).toBe('space-7');
    expect(back?.dim).toBe(3);
    expect([...(back?.vectors.keys() ?? [])].sort()).toEqual(['aa11', 'bb22']);
    for (const [h, v] of vectors) expect(Array.from(back!.vectors.get(h)!)).toEqual(Array.from(v));
  });
});

describe('readSpaceManifest', () => {
  it('refuses a space.json of another kind or without an id, naming the file', async () => {
    for (const [name, doc] of [
      ['other-kind', { kind: 'needledrop.model', id: 'x' }],
      ['no-id', { kind: 'needledrop.music-space' }],
    ] as const) {
      const dir = join(tmp, name);
      rmSync(dir, { recursive: true, force: true });
      await writeVectorCache(dir, { spaceId: '', dim: 0, vectors: new Map() }); // makes the folder
      writeFileSync(join(dir, SPACE_FILE), JSON.stringify(doc));
      await expect(readSpaceManifest(dir)).rejects.toThrow(`${join(dir, SPACE_FILE)}: not a music space manifest`);
    }
  });

  it('reads a music space manifest', async () => {
    const dir = join(tmp, 'good');
    await writeVectorCache(dir, { spaceId: '', dim: 0, vectors: new Map() });
    writeFileSync(join(dir, SPACE_FILE), JSON.stringify({ kind: 'needledrop.music-space', id: 'abc' }));
    expect(await readSpaceManifest(dir)).toMatchObject({ kind: 'needledrop.music-space', id: 'abc' });
  });
});

describe('TrackCropSampler', () => {
  it('refuses a batch of more groups than the tracks fall into, with both numbers', () => {
    // Four tracks in two groups: a batch of three groups cannot be drawn.
    expect(() => new TrackCropSampler([100, 100, 100, 100], { tracksPerBatch: 3, cropsPerTrack: 2, window: 8, seed: 1 }, Int32Array.of(0, 0, 1, 1))).toThrow(
      'a batch of 3 groups needs at least 3 groups, got 2',
    );
  });
});
