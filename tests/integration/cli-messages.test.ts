/**
 * Review R7 and R15, through the real CLI process: what a user reads and the exit code. `models
 * list` shows the headline metric model.json nests; a port in use, nothing to roll back, numbers
 * out of range or not numbers, a shipped or occupied version name, and an output that is the clip
 * through a link each get one plain line (and the right code) instead of a stack, a raw schema
 * text, a doubled or wrong hint, or a replaced source clip.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv, REPO_ROOT, type CliResult } from '../helpers/cli';
import { sharedMediaDir, sine, tempDir, tones } from '../helpers/media';
import { copyOfBase } from '../helpers/model-versions';

describe('CLI messages and exit codes (review R7, R15)', () => {
  let dir = '';
  let home = '';
  let empty = '';
  let lib = '';
  let track = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);
  /** stderr's first line. */
  const line = (r: CliResult): string => r.stderr.split('\n')[0];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-messages-'));
    home = join(dir, 'home');
    empty = join(dir, 'empty-home');
    lib = join(dir, 'lib');
    mkdirSync(home);
    mkdirSync(empty);
    mkdirSync(lib);
    track = await sine(lib, { seconds: 12, freq: 440 });
    await tones(lib, { seconds: 12, freqs: [220, 330, 550] });
    const r = await cli('index', lib);
    expect(r.code, r.stderr).toBe(0);
    // An installed version the catalog has no segments for (the shipped files under another name):
    // a version that does not exist gets "no model version" instead (review S4, models/missing-version.test.ts).
    copyOfBase(home, 'v1');
  });
  afterAll(() => cleanup());

  it('R7: models list shows the shipped model’s v→m Recall@10 from its nested metrics', async () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'base', 'model.json'), 'utf8')) as { metrics: { test: { videoToMusic: { recall10: number } } } };
    const r10 = manifest.metrics.test.videoToMusic.recall10;
    const r = await cli('models', 'list');
    expect(r.code, r.stderr).toBe(0);
    const row = r.stdout.split('\n').find((l) => /^\*?\s+base\s/.test(l));
    expect(row).toBeDefined();
    // With what it is over (review R1.15): base's model.json records its 398 test pairs.
    expect(row!.trimEnd().endsWith(`v→m R@10 ${r10.toFixed(3)} over 398 test pairs`)).toBe(true);
  });

  it('a port in use: one plain line, exit 1, no stack', async () => {
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await cli('serve', '--port', String(port));
      // Before it, without a built renderer: "serve: no built UI in …; the API is served anyway".
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`needledrop serve: port ${port} is in use; pass --port 0 for a free one`);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
      expect(r.code).toBe(1);
    } finally {
      await new Promise((done) => holder.close(done));
    }
  });

  it('one hint, where the engine’s message does not already say what to do, and the right one', async () => {
    // The engine's message carries its own hint: none appended.
    let r = await cli('similar', '999');
    expect(r.stderr).toBe('needledrop similar: 999: not in the catalog (give a catalogued path or a track id)\n');
    expect(r.code).toBe(1);
    // The catalog is the right one; it lacks this model's segments: no "--db" hint.
    r = await cli('similar', track, '--model', 'v1');
    expect(line(r)).toMatch(/no segment embeddings for model "v1" .*: embed them from the stored features \(activating "v1" does it, or `needledrop index` with it active\)$/);
    expect(r.stderr).not.toContain('--db');
    expect(r.code).toBe(1);
    // No catalog at all: the CLI's hint completes the engine's, once.
    r = await needledropWithEnv({ NEEDLEDROP_HOME: empty }, 'similar', '3');
    expect(line(r)).toBe(`needledrop similar: ${join(empty, 'catalog.sqlite')}: no catalog here: index your music first (with \`needledrop index DIR\`, or pass --db PATH for a catalog elsewhere)`);
    // A track id export did not find, and an output that exists: the CLI's flags.
    const clip = join(dir, 'clip.mp4');
    writeFileSync(clip, 'not read: the track is looked up first');
    r = await cli('export', clip, '999', '--out', join(dir, 'o.mp4'));
    expect(line(r)).toBe('needledrop export: track 999 is not in the catalog (give a path listed by `needledrop index` or a track id)');
    const taken = join(dir, 'taken.mp4');
    writeFileSync(taken, 'mine');
    r = await cli('export', clip, track, '--out', taken);
    expect(line(r)).toBe(`needledrop export: ${taken}: already exists (pass --force to overwrite it)`);
    expect(r.code).toBe(1);
  });

  it('models rollback with nothing to roll back to is a refusal (exit 1), not a usage error', async () => {
    const r = await cli('models', 'rollback');
    expect(r.stderr).toBe('needledrop models: nothing to roll back to: "base" has no earlier active version and no parent\n');
    expect(r.code).toBe(1);
  });

  it.each([
    [['index', 'LIB', '--jobs', '-1'], 'needledrop index: --jobs expects an integer ≥ 1, got "-1"'],
    [['index', 'LIB', '--jobs', '1000'], 'needledrop index: --jobs must be at most 64, got 1000'],
    [['export', 'c.mp4', '1', '--out', 'o.mp4', '--offset', ''], 'needledrop export: --offset expects a number ≥ 0 s, got ""'],
    [['export', 'c.mp4', '1', '--out', 'o.mp4', '--offset', '0x10'], 'needledrop export: --offset expects a number ≥ 0 s, got "0x10"'],
    [['export', 'c.mp4', '1', '--out', 'o.mp4', '--offset', '1000000000'], 'needledrop export: --offset must be at most 604800 s (7 days), got 1000000000'],
    [['export', 'c.mp4', '1', '--out', 'o.mp4', '--loudness', '-80'], 'needledrop export: --loudness expects a number ≥ -70 LUFS, got "-80"'],
    [['match', 'c.mp4', '--top', '5000'], 'needledrop match: --top must be at most 1000, got 5000'],
  ])('numbers: %j → usage error (exit 2) in the CLI’s words', async (args, message) => {
    const r = await cli(...args.map((a) => (a === 'LIB' ? lib : a)));
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([message, expect.stringMatching(/^usage: needledrop /)]);
    expect(r.code).toBe(2);
  });

  it('train refuses a shipped version name and an --out folder that holds other files before reading the corpus', async () => {
    // The corpus does not exist: reaching it would fail differently ("no corpus manifest").
    const corpus = join(dir, 'no-corpus');
    let r = await cli('train', '--corpus', corpus, '--version', 'base');
    expect(r.stderr).toBe('needledrop train: model version "base" is shipped with Needledrop; pick another version name\n');
    expect(r.code).toBe(1);
    r = await cli('train', '--from-videos', corpus, '--version', 'base');
    expect(r.stderr).toBe('needledrop train: model version "base" is shipped with Needledrop; pick another version name\n');
    const out = join(dir, 'models-out');
    mkdirSync(join(out, 'v1'), { recursive: true });
    writeFileSync(join(out, 'v1', 'notes.txt'), 'the user’s');
    r = await cli('train', '--corpus', corpus, '--version', 'v1', '--out', out);
    expect(r.stderr).toBe(`needledrop train: ${join(out, 'v1')}: holds other files (notes.txt), not a model version; pick another version name or --out folder\n`);
    expect(readFileSync(join(out, 'v1', 'notes.txt'), 'utf8')).toBe('the user’s');
    // What an unfinished save leaves (encoders, no model.json) may be overwritten: the corpus is reached.
    mkdirSync(join(out, 'v2'));
    writeFileSync(join(out, 'v2', 'video.onnx'), 'partial');
    r = await cli('train', '--corpus', corpus, '--version', 'v2', '--out', out);
    expect(line(r)).toContain('no corpus manifest');
  });

  it('export refuses an --out that is the clip reached through a link, even with --force', async () => {
    const media = await sharedMediaDir();
    const source = media ? join(media, 'video', 'chaplin.mp4') : undefined;
    const mine = join(dir, 'mine.mp4');
    if (source) copyFileSync(source, mine);
    else writeFileSync(mine, 'a clip');
    const link = join(dir, 'mylink.mp4');
    symlinkSync(mine, link);
    const digest = (): string => createHash('sha256').update(readFileSync(mine)).digest('hex');
    const before = digest();
    const r = await cli('export', link, track, '--out', resolve(mine), '--force');
    // A value the command cannot use: exit 1 with no usage line (review R2.12).
    expect(r.stderr).toBe(`needledrop export: ${resolve(mine)}: the output cannot be one of the inputs\n`);
    expect(r.code).toBe(1);
    expect(digest()).toBe(before);
  });
});
