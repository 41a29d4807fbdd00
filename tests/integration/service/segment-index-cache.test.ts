/**
 * The on-disk search index as a cache the user can see and clear, through the real Engine: a
 * catalog scanned from real music (ffmpeg, onnxruntime-node, SQLite) with the on-disk threshold
 * lowered so a small library uses the index. Truths: the files on disk, and the ranking before
 * clearing (clearing a cache must not change an answer, only cost a rebuild).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { contextFromEnv, Engine } from '../../../electron/engine/service';

const MEDIA = join(__dirname, '..', '..', '..', '..', 'shared', 'media');
const TRACKS = ['Kevin_MacLeod_-_Vibe_Ace.ogg', 'admiralbob77_-_Choice_-_Drum-bass.ogg', '442789__lena-orsa__happy-music-pistachio-ice-cream-ragtime.ogg'];
const CLIP = join(MEDIA, 'video', 'big_buck_bunny_0_30.webm');

describe.runIf(existsSync(CLIP))('the search index among the caches', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nd-index-cache-'));
  const music = join(tmp, 'music');
  let engine: Engine;
  const indexFolder = () => (engine.call('cache.info') as Promise<Array<{ name: string; path: string; files: number }>>).then((cs) => cs.find((c) => c.name === 'segment-index')!);

  beforeAll(async () => {
    mkdirSync(music);
    for (const t of TRACKS) symlinkSync(join(MEDIA, 'music', t), join(music, t));
    engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), threads: 2, diskIndexAbove: 1 }));
    await engine.call('library.addFolder', { path: music });
    await runJob(engine, 'library.scan', {});
  }, 600_000);
  afterAll(async () => {
    await engine?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('is listed beside the catalog, cleared without touching the catalog, and rebuilt with the same ranking', async () => {
    const rank = async () => (await runJob(engine, 'match', { clips: [CLIP], top: 3, provider: 'cpu' })).clips[0].results.map((t) => [t.track.id, t.score]);
    const before = await rank();
    const index = await indexFolder();
    expect(index.path.endsWith('.segment-index')).toBe(true);
    expect(index.files).toBeGreaterThan(0);
    expect(readdirSync(index.path).length).toBeGreaterThan(0);

    const after = (await engine.call('cache.clear', { name: 'segment-index' })).find((c) => c.name === 'segment-index')!;
    expect(after).toMatchObject({ files: 0, bytes: 0 });
    expect(existsSync(index.path)).toBe(false);
    expect((await engine.call('tracks.list', {})).total).toBe(TRACKS.length);

    expect(await rank()).toEqual(before);
    expect((await indexFolder()).files).toBe(index.files);
  }, 600_000);
});
