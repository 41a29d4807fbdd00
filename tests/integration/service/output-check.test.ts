/**
 * The Match screen asks `output.check` about the Export field as it is typed, so a path the export
 * will refuse is said under the field before Export is pressed (README). Review R2.16: a .txt, a
 * name without extension, a folder and the clip itself all passed the check, and the export then
 * refused them. The truth here is the export itself: for each path the check's problem is the
 * export's own refusal, word for word, and a path the check passes is written.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import { withEngine } from '../../helpers/engine';
import { hardCuts, musicLike } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-output-check-'));
let clip: string;
let track: string;
const out = join(tmp, 'out');

beforeAll(async () => {
  mkdirSync(out);
  clip = await hardCuts(tmp, { seconds: 3, width: 64, height: 36, fps: 25, cuts: [1.5], name: 'clip.mp4' });
  track = await musicLike(tmp, { seconds: 5, bpm: 120, name: 'track.wav' });
  mkdirSync(join(out, 'folder.mp4'));
  symlinkSync(clip, join(out, 'link-to-clip.mp4'));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('output.check applies export’s rules', () => {
  const refused: Array<[string, () => string, RegExp]> = [
    ['a .txt file', () => join(out, 'x.txt'), /output must end in \.mp4, \.m4v, \.mov, \.mkv, \.webm$/],
    ['a name without extension', () => join(out, 'x'), /output must end in/],
    ['a folder named like an output', () => join(out, 'folder.mp4'), /is a folder; give a file name for the output$/],
    ['the clip itself', () => clip, /the output cannot be one of the inputs$/],
    ['the clip through a link', () => join(out, 'link-to-clip.mp4'), /the output cannot be one of the inputs$/],
    ['the track', () => track, /output must end in/],
  ];

  it.each(refused)('%s: the check says what the export then refuses', async (_, path, words) => {
    await withEngine(join(tmp, 'data-refused'), { confined: false }, async (engine) => {
      await engine.call('clip.open', { path: clip });
      const checked = await engine.call('output.check', { path: path(), clip, track });
      expect(checked.problem).toMatch(words);
      const err = await runJob(engine, 'export', { clip, track, out: path(), offset: 0 }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).message).toBe(checked.problem);
    });
  }, 120_000);

  it('in the app’s confined engine: the clip it opened, typed as the output', async () => {
    await withEngine(join(tmp, 'data-confined'), { confined: true }, async (engine) => {
      await engine.call('clip.open', { path: clip });
      expect((await engine.call('output.check', { path: clip, clip })).problem).toBe(`${clip}: the output cannot be one of the inputs`);
      expect((await engine.call('output.check', { path: join(out, 'fine.mp4'), clip })).problem).toBeNull();
    });
  }, 120_000);

  it('a track file named like an output is one of the inputs too', async () => {
    const wav = await musicLike(out, { seconds: 5, bpm: 100, name: 'song.mp4' });
    await withEngine(join(tmp, 'data-track'), { confined: false }, async (engine) => {
      const checked = await engine.call('output.check', { path: wav, clip, track: wav });
      expect(checked.problem).toMatch(/the output cannot be one of the inputs$/);
    });
  }, 120_000);

  it('a path export writes passes, and the export writes it', async () => {
    await withEngine(join(tmp, 'data-ok'), { confined: false }, async (engine) => {
      const path = join(out, 'scored.mp4');
      expect((await engine.call('output.check', { path, clip, track })).problem).toBeNull();
      expect((await runJob(engine, 'export', { clip, track, out: path, offset: 0 })).out).toBe(path);
    });
  }, 120_000);

  it('a missing folder is said as before, with what to do', async () => {
    await withEngine(join(tmp, 'data-missing'), { confined: false }, async (engine) => {
      const dir = join(tmp, 'no-such-folder');
      expect((await engine.call('output.check', { path: join(dir, 'x.mp4'), clip })).problem).toBe(`cannot write in ${dir} (no such folder): choose another folder`);
    });
  }, 120_000);
});
