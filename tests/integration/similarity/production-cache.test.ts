import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { updateProductionSignatures } from '../../../electron/engine/similarity/music-space';
import { productionSignature, readProductionSignatures } from '../../../electron/engine/similarity/production';
import { trackVectors } from '../../../electron/engine/similarity/space';
import { ffmpeg, tempDir } from '../../helpers/media';
import { timbreTrack } from './timbre-tracks';

let dir: string;
let cleanup: () => Promise<void>;
let db: Catalog;
const spaceDir = (): string => join(dir, 'music-space');

/** A real 8 s stereo noise file catalogued with generated descriptor features (the profile's stored part). */
async function addTrack(i: number, colour: 'white' | 'pink' | 'brown'): Promise<string> {
  const path = await ffmpeg(['-f', 'lavfi', '-i', `anoisesrc=c=${colour}:a=0.2:r=44100:s=${i + 1}:d=8`, '-ac', '2', '-c:a', 'pcm_s16le'], join(dir, `t${i}.wav`));
  saveAnalysis(db, {
    file: { path, size: 1000 + i, mtimeMs: 1, hash: `hash-${i}` },
    info: { title: `t${i}`, artist: null, album: null, duration: 8 },
    summary: {},
    features: timbreTrack(i % 2, i, 30),
  });
  return path;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('nd-production-cache-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterAll(async () => {
  db.close();
  await cleanup();
});

describe('production signatures beside the music space (real ffmpeg and SQLite)', () => {
  it('computes each track once, by content hash; a new track is the only one computed next time', async () => {
    const paths = [await addTrack(0, 'white'), await addTrack(1, 'pink'), await addTrack(2, 'brown')];
    const first = await updateProductionSignatures(db, spaceDir());
    expect(first).toMatchObject({ computed: 3, failed: [], tracks: 3 });
    const cached = await readProductionSignatures(spaceDir());
    expect([...cached.keys()].sort()).toEqual(['hash-0', 'hash-1', 'hash-2']);
    // What was cached is what the file gives when decoded again.
    const again = (await productionSignature(paths[1], 8)) as Float32Array;
    expect([...(cached.get('hash-1') as Float32Array)]).toEqual([...again]);

    const before = readFileSync(join(spaceDir(), 'production.json'), 'utf8');
    expect(await updateProductionSignatures(db, spaceDir())).toMatchObject({ computed: 0, tracks: 3 });
    expect(readFileSync(join(spaceDir(), 'production.json'), 'utf8')).toBe(before);

    await addTrack(3, 'white');
    expect(await updateProductionSignatures(db, spaceDir())).toMatchObject({ computed: 1, tracks: 4 });
  }, 120_000);

  it('the served space takes them in: production families added, tracks of one noise colour closest', async () => {
    // The profile before its graph re-ranking (which mixes the families into one n-dimensional row).
    const plain = await trackVectors(db, { kind: 'descriptor-stats', rerank: 'none' });
    const served = await trackVectors(db, { kind: 'descriptor-stats', productionDir: spaceDir(), rerank: 'none' });
    const half = (await readProductionSignatures(spaceDir())).get('hash-0')!.length / 2;
    expect(served.dim).toBe(plain.dim + 2 * half);
    // Tracks 0 and 3 are both white noise: in the production part of the served rows (the
    // stored features alternate timbres 0,1,0,1 and say nothing of the colour), 0's nearest is 3.
    const part = (id: number): Float32Array => {
      const i = served.trackIds.indexOf(id);
      return served.data.subarray(i * served.dim + plain.dim, (i + 1) * served.dim);
    };
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, d) => s + v * b[d], 0);
    const ids = served.trackIds;
    const sims = ids.slice(1).map((id) => dot(part(ids[0]), part(id)));
    expect(ids[1 + sims.indexOf(Math.max(...sims))]).toBe(ids[3]);
  });

  it('cancel keeps what was done', async () => {
    await addTrack(4, 'pink');
    await addTrack(5, 'brown');
    const ctl = new AbortController();
    const run = updateProductionSignatures(db, spaceDir(), { signal: ctl.signal, onProgress: (done) => done === 1 && ctl.abort() });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect((await readProductionSignatures(spaceDir())).size).toBe(5);
  }, 120_000);
});
