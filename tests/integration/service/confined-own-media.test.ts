/**
 * What a confined front may replace with `force` among media (review R5.8): the check was the file's
 * format only, so `fit` over a library .flac and `export` over any video of the user replaced them.
 * Now only a file Needledrop recorded as its own output, unchanged since, and never one in a library
 * folder. A confined Engine, the requests the Match screen sends (runJob fit / export).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { contextFromEnv, Engine, probe } from '../../../electron/engine/service';
import { ffmpeg, hardCuts, musicLike, videoWithAudio } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-own-media-'));
const library = join(tmp, 'library');
const victim = join(tmp, 'victim');
const outDir = join(tmp, 'out');
let engine: Engine;
let song: string;
let master: string;
let wedding: string;
let clip: string;
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const exportTo = (out: string, force = true) => runJob(engine, 'export', { clip, track: song, out, offset: 0, ...(force ? { force } : {}) });
const fitTo = (out: string, force = true) => runJob(engine, 'fit', { clip, track: song, out, hits: false, allowTempo: true, ...(force ? { force } : {}) });

beforeAll(async () => {
  for (const d of [library, victim, outDir, join(tmp, 'clips')]) mkdirSync(d, { recursive: true });
  song = await musicLike(library, { seconds: 12, bpm: 120, name: 'song.wav' });
  // A lossless master in the library, and the user's own footage elsewhere: real media of the kinds replaced.
  master = await ffmpeg(['-i', song, '-c:a', 'flac'], join(library, 'master.flac'));
  wedding = await videoWithAudio(victim, { seconds: 2, width: 64, height: 36, name: 'wedding.mp4' });
  clip = await hardCuts(join(tmp, 'clips'), { seconds: 4, cuts: [2], fps: 25, width: 64, height: 36 });
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), confined: true }));
  await engine.call('library.addFolder', { path: library });
  await engine.call('clip.open', { path: clip });
}, 120_000);
afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a confined front replaces only media Needledrop wrote (review R5.8)', () => {
  it("refuses fit over a library .flac and export over the user's video, leaving both unchanged", async () => {
    const before = [sha(master), sha(wedding)];
    await expect(fitTo(master)).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining(`${master}: is in the library folder ${library}`) });
    await expect(exportTo(wedding)).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining(`${wedding}: exists and is not a file Needledrop wrote`) });
    expect([sha(master), sha(wedding)]).toEqual(before);
  }, 120_000);

  it('replaces its own earlier export, but not once the user put another file there', async () => {
    const scored = join(outDir, 'clip-scored.mp4');
    await exportTo(scored, false);
    await exportTo(scored);
    expect((await probe(scored)).streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
    // The user's own video copied over our export: the same path, not our file any more.
    copyFileSync(wedding, scored);
    await expect(exportTo(scored)).rejects.toMatchObject({ code: 'forbidden-path' });
    expect(sha(scored)).toBe(sha(wedding));
  }, 120_000);
});
