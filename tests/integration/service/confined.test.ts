/**
 * Confinement as the fronts get it: an Engine built by contextFromEnv with `confined: true` (what
 * `needledrop serve` and the app's engine process ask for) refuses to read files outside the
 * library and the opened clips, and to write to relative paths; one built without it (the CLI)
 * does not. The context once dropped the flag, leaving the bridge unconfined while every unit
 * test of the guard passed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
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

    // A corpus the engine did not write (tests/e2e/app.test.ts trains on one it wrote, in a confined engine).
    expect(await codeOf(runJob(c, 'train', { corpus: join(tmp, 'clips'), version: 'x1', steps: 1 }))).toBe('forbidden-path');

    const u = engine(false);
    expect(await codeOf(fit(u, join(tmp, 'remix-cli.wav')))).toBe('ok');
  }, 300_000);
});
