/**
 * The CLI's exit codes follow one rule (reviews R2.12, R2.14), through the real CLI process: 2, with
 * the usage line, only for the command line's shape (an unknown option, a malformed number, a
 * missing argument); a file or value the command cannot use is 1, with the file or value named and no
 * usage line: an output with an extension export or fit does not write, an output that is one of the
 * inputs (also through a link), an output folder that is not there, a --plan file the contract
 * refuses, and a version name the engine does not take. Every case here is refused before any media
 * is read or written.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv, type CliResult } from '../helpers/cli';
import { sharedMediaDir, sine, tempDir } from '../helpers/media';

const MEDIA = await sharedMediaDir();

describe('CLI exit codes: 2 for the command line, 1 for a file or value it cannot use (reviews R2.12, R2.14)', () => {
  let dir = '';
  let home = '';
  let clip = '';
  let track = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-exit-'));
    home = join(dir, 'home');
    mkdirSync(home);
    clip = MEDIA ? join(MEDIA, 'video', 'chaplin.mp4') : '';
    track = await sine(dir, { seconds: 12, freq: 440 });
  }, 60_000);
  afterAll(() => cleanup?.());

  /** Exit 1 with exactly this one line and no usage line. */
  function fileError(r: CliResult, command: string, line: string): void {
    expect(r.stderr).toBe(`needledrop ${command}: ${line}\n`);
    expect(r.stderr).not.toContain('usage:');
    expect(r.code).toBe(1);
  }

  it.skipIf(!MEDIA)('an output export or fit cannot write is exit 1 naming it, like a missing folder', { timeout: 120_000 }, async () => {
    const txt = join(dir, 'a.txt');
    fileError(await cli('export', clip, track, '--offset', '5', '--out', txt), 'export', `${txt}: output must end in .mp4, .m4v, .mov, .mkv, .webm`);
    fileError(await cli('export', clip, track, '--offset', '5', '--out', clip, '--force'), 'export', `${clip}: the output cannot be one of the inputs`);
    const link = join(dir, 'link.mp4');
    symlinkSync(clip, link);
    fileError(await cli('export', clip, track, '--offset', '5', '--out', link, '--force'), 'export', `${link}: the output cannot be one of the inputs`);
    const missing = join(dir, 'missing', 'dir', 'a.mp4');
    fileError(await cli('export', clip, track, '--offset', '5', '--out', missing), 'export', `${missing}: its folder ${join(dir, 'missing', 'dir')} does not exist`);
    const mp3 = join(dir, 'r.mp3');
    fileError(await cli('fit', clip, track, '--out', mp3), 'fit', `${mp3}: the remix must end in .wav or .flac`);
    fileError(await cli('fit', clip, track, '--out', track), 'fit', `${track}: the remix cannot overwrite the track`);
  });

  it('a --plan file the contract refuses is exit 1 naming the file and the range, for export and fit', async () => {
    const plan = (name: string, doc: unknown): string => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(doc));
      return file;
    };
    const backwards = plan('bad.json', { ranges: [{ sourceStart: 5, sourceEnd: 4 }] });
    const empty = plan('empty-range.json', { ranges: [{ sourceStart: 0, sourceEnd: 8 }, { sourceStart: 10, sourceEnd: 10 }] });
    const negative = plan('negative.json', { ranges: [{ sourceStart: -1, sourceEnd: 4 }] });
    const tempo = plan('tempo.json', { fit: { plan: { ranges: [{ sourceStart: 1, sourceEnd: 4 }], tempoRatio: 1.2 } } });
    const none = plan('no-ranges.json', { ranges: [] });
    const run = (command: string, file: string): Promise<CliResult> => cli(command, 'clip.mp4', track, '--plan', file, ...(command === 'export' ? ['--out', join(dir, 'o.mp4')] : []));
    for (const command of ['export', 'fit']) fileError(await run(command, backwards), command, `${backwards}: range 1 ends (4 s) before it starts (5 s)`);
    fileError(await run('export', empty), 'export', `${empty}: range 2 ends (10 s) where it starts (10 s)`);
    // What else the contract refuses in a plan: said of the file, the command named once.
    for (const [file, words] of [[negative, /^range 1 sourceStart: .*-1/], [tempo, /^tempoRatio: .*1\.2/], [none, /^ranges: /]] as const) {
      const r = await run('export', file);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toContain('usage:');
      const line = r.stderr.replace(/\n$/, '');
      expect(line.startsWith(`needledrop export: ${file}: `), line).toBe(true);
      expect(line.slice(`needledrop export: ${file}: `.length)).toMatch(words);
      expect(line.split('export:').length, 'the command named once').toBe(2);
    }
  }, 120_000);

  it('a value the engine refuses (a version name it does not take) is exit 1 naming the value and the rule, without the usage line', async () => {
    // Refused by the request schema before any file is read: the clip need not exist. Both were exit 2 with the usage line.
    fileError(await cli('match', 'clip.mp4', '--model', '../x'), 'match', '--model "../x" must be letters, digits, ".", "_" or "-" (at most 64)');
    fileError(await cli('models', 'activate', '../x'), 'models', 'model version "../x" must be letters, digits, ".", "_" or "-" (at most 64)');
  }, 120_000);

  it("the command line's own shape is still exit 2 with the usage line", { timeout: 120_000 }, async () => {
    const usage = (r: CliResult): void => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/\nusage: needledrop (export|fit) /);
    };
    usage(await cli('export', 'clip.mp4', track, '--offset', '5', '--out', join(dir, 'o.mp4'), '--bogus'));
    usage(await cli('export', 'clip.mp4', track, '--offset', 'five', '--out', join(dir, 'o.mp4')));
    usage(await cli('export', 'clip.mp4', track, '--offset', '5'));
    usage(await cli('fit', 'clip.mp4'));
    usage(await cli('fit', 'clip.mp4', track, '--start', '1e3x'));
  });
});
