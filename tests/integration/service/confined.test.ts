/**
 * Confinement as the fronts get it: an Engine built by contextFromEnv with `confined: true` (what
 * `needledrop serve` and the app's engine process ask for) refuses to read files outside the
 * library and the opened clips, and to write to relative paths; one built without it (the CLI)
 * does not. The context once dropped the flag, leaving the bridge unconfined while every unit
 * test of the guard passed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { hardCuts, musicLike } from '../../helpers/media';

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof EngineError ? (err.code === 'forbidden-path' ? err.code : `${err.code}: ${err.message}`) : `not an EngineError: ${String(err)}`;
  }
};

describe('a confined engine (the bridge, the app)', () => {
  let tmp: string;
  let outside: string;
  let library: string;
  let song: string;
  let clip: string;
  const engines: Engine[] = [];
  const engine = (confined: boolean): Engine => {
    const e = new Engine(contextFromEnv({}, { dataDir: join(tmp, confined ? 'data-c' : 'data-u'), ...(confined ? { confined } : {}) }));
    engines.push(e);
    return e;
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'needledrop-confined-'));
    outside = join(tmp, 'outside');
    library = join(tmp, 'library');
    const clips = join(tmp, 'clips');
    mkdirSync(outside);
    mkdirSync(library);
    mkdirSync(clips);
    song = await musicLike(outside, { seconds: 24, bpm: 120, name: 'song.wav' });
    clip = await hardCuts(clips, { seconds: 8, cuts: [4], fps: 25, width: 64, height: 36 });
  });
  afterAll(async () => {
    for (const e of engines) await e.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('contextFromEnv keeps the flag it is given, and only then', () => {
    expect(contextFromEnv({}, { dataDir: tmp, confined: true }).confined).toBe(true);
    expect(contextFromEnv({}, { dataDir: tmp }).confined).toBeFalsy();
  });

  it('refuses a track outside the library, a clip not opened and a relative output; the CLI engine takes them', async () => {
    const c = engine(true);
    const fit = (e: Engine, out: string) => runJob(e, 'fit', { clip, track: song, out, hits: false, allowTempo: true, force: true });
    expect(await codeOf(fit(c, join(tmp, 'remix.wav')))).toBe('forbidden-path');
    // In the library now; the clip is still one the renderer never opened.
    await c.call('library.addFolder', { path: outside });
    expect(await codeOf(fit(c, join(tmp, 'remix.wav')))).toBe('forbidden-path');
    await c.call('clip.open', { path: clip });
    expect(await codeOf(fit(c, 'remix.wav'))).toBe('forbidden-path');
    expect(await codeOf(fit(c, join(tmp, 'remix.wav')))).toBe('ok');

    const u = engine(false);
    expect(await codeOf(fit(u, join(tmp, 'remix-cli.wav')))).toBe('ok');
  }, 300_000);

  it("says what to do when it refuses a path", async () => {
    const c = engine(true);
    const refused = runJob(c, 'fit', { clip, track: song, out: join(tmp, 'remix.wav'), hits: false, allowTempo: true, force: true });
    await expect(refused).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining('add its folder in Library, or open the clip on the Match screen') });
  });

  it('trains on a corpus folder the user typed, like the edits folder of a fine-tune, and reads only media inside it (review S8)', async () => {
    // A corpus outside the library and the data folder, made by another process (the CLI): 3 pairs,
    // so the train gets past the guard to the corpus's own check, without minutes of training.
    const corpus = join(tmp, 'typed-corpus');
    await generateCorpus({ seed: 3, pairs: 3, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 22050, jobs: 1, outDir: corpus });
    const c = engine(true);
    const train = (dir: string) => runJob(c, 'train', { corpus: dir, version: 'x1', steps: 1 });
    await expect(train(corpus)).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining(`${corpus}: 1 train pair, 1 val pair and 1 test pair`) });
    await expect(runJob(c, 'evaluate', { corpus })).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining('the test split has 1 pairs') });

    // A manifest that lists media outside its folder does not make the engine read it.
    const sly = join(tmp, 'sly-corpus');
    await generateCorpus({ seed: 3, pairs: 3, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 22050, jobs: 1, outDir: sly });
    const manifest = JSON.parse(readFileSync(join(sly, 'manifest.json'), 'utf8')) as { pairs: Array<{ music: string }> };
    // The clip: outside the library (which by now holds the first test's folder) and never opened.
    manifest.pairs[0].music = relative(sly, clip);
    writeFileSync(join(sly, 'manifest.json'), JSON.stringify(manifest));
    expect(await codeOf(train(sly))).toBe('forbidden-path');

    // The pick lasted for that request: a clip of the corpus is still not readable unopened.
    const corpusClip = join(corpus, (JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { pairs: Array<{ video: string }> }).pairs[0].video);
    expect(await codeOf(runJob(c, 'match', { clips: [corpusClip] }))).toBe('forbidden-path');
  }, 300_000);
});
