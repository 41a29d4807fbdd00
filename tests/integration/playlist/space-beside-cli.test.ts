/**
 * Review R7.4: a second engine on the same data home (a CLI `playlist` beside the open app)
 * commits to the catalog (its job row) without changing a track; the app's engine keeps its music
 * space, so its next build's vectors phase is the cached one (1 unit), not the whole profile and
 * re-ranking again (N tracks, then the re-ranking). A real change of a track's features by the other process still
 * rebuilds it. Two real engines, one real SQLite catalog of generated albums (stored features,
 * 128-d mood segments, files on disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { RequestOf } from '../../../electron/contract/operations';
import type { ProgressEvent } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { putFeatures } from '../../../electron/engine/catalog/features';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { albumDataFolder, albumTrack } from '../similarity/album-tracks';

const ALBUMS = 2;
const PER_ALBUM = 4;
const N = ALBUMS * PER_ALBUM;
let root: string;
let data: string;
const ids: number[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nd-space-beside-cli-'));
  const made = albumDataFolder(root, { albums: ALBUMS, perAlbum: PER_ALBUM, seed: 7 });
  data = made.data;
  ids.push(...made.ids);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const req = { kind: 'more-like', seeds: [1], length: 4 } as const satisfies RequestOf<'playlist.build'>;

/** The total of the build's vectors phase: N when the space was built, 1 when it was cached. */
async function vectorUnits(engine: Engine): Promise<number> {
  const phases: ProgressEvent[] = [];
  await runJob(engine, 'playlist.build', req, { onProgress: (p) => phases.push(p) });
  return phases.filter((p) => p.phase === 'vectors').at(-1)!.total;
}

it("another engine's playlist (a job row, no track changed) keeps the app's music space; a changed track does not", { timeout: 120_000 }, async () => {
  const app = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
  try {
    expect(await vectorUnits(app)).toBe(N);
    expect(await vectorUnits(app)).toBe(1);

    const cli = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
    try {
      await runJob(cli, 'playlist.build', req);
      expect((await cli.call('jobs.list')).some((j) => j.op === 'playlist.build')).toBe(true);
    } finally {
      await cli.close();
    }
    expect(await vectorUnits(app)).toBe(1);

    // Another process re-indexes a track with other features: the space is built again.
    const other = openCatalog(join(data, 'catalog.sqlite'));
    putFeatures(other, ids[2], 'audio', albumTrack(0, 2, 90));
    other.close();
    expect(await vectorUnits(app)).toBe(N);
  } finally {
    await app.close();
  }
});
