/**
 * A fit never destroys a file (review R5) and names the right file when it cannot write (R6), as
 * export does: existing hand-off files are refused without `force`; the remix is rendered in a
 * private temp folder and linked into place, so a file or a link at the old `.part-OUT` name is
 * neither consumed nor written through and two fits to one name never share a temporary file;
 * temp folders of dead processes are swept; a folder that cannot be made or written, a name the
 * file system refuses, is an input error naming that path before any work, and an ffmpeg failure
 * names the remix when it could not be written, the track when it could not be decoded.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import { decodeTrack } from '../../../electron/engine/fit/analyse';
import { fitTrackToClip } from '../../../electron/engine/fit/fit';
import { renderFit } from '../../../electron/engine/fit/render';
import type { FitPlan } from '../../../electron/engine/fit/types';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';
import { cliArgv, REPO_ROOT } from '../../helpers/cli';
import { ffmpeg, hardCuts, tempDir } from '../../helpers/media';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';

let tmp: { dir: string; cleanup: () => Promise<void> };
let clip: string;
let track: string;
const T = 8;
const s = synthTrack({ bars: 12 });

const fail = (p: Promise<unknown>): Promise<NeedledropError> => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as NeedledropError);
const temps = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.needledrop-export-') || f.endsWith('.tmp'));
/** Seconds of audio in a remix as read back by our decoder (at the analysis rate). */
const seconds = async (file: string): Promise<number> => (await decodeTrack(file)).length / AUDIO_SPEC.sampleRate;
const folder = (name: string): string => {
  const d = join(tmp.dir, name);
  mkdirSync(d);
  return d;
};

beforeAll(async () => {
  tmp = await tempDir('needledrop-fit-safety-');
  track = join(tmp.dir, 'synth.wav');
  await writeFile(track, wavBytes(s.pcm, s.sampleRate));
  clip = await hardCuts(tmp.dir, { seconds: T, cuts: [3], fps: 25, width: 160, height: 90 });
});

afterAll(async () => {
  await tmp?.cleanup();
});

describe('fit output safety (R5)', () => {
  it('refuses existing hand-off files without force, before rendering anything; with force replaces them', async () => {
    const ho = folder('handoff');
    const edl = join(ho, 'cuts-fit.edl');
    writeFileSync(edl, 'MY PRECIOUS EDIT');
    const stages: string[] = [];
    expect(await fail(fitTrackToClip({ clip, track, handoff: ho, onStage: (st) => stages.push(st) }))).toMatchObject({ kind: 'input', code: 'exists', file: edl });
    expect(readFileSync(edl, 'utf8')).toBe('MY PRECIOUS EDIT');
    expect(readdirSync(ho)).toEqual(['cuts-fit.edl']);
    expect(stages).toEqual([]);

    const csv = join(ho, 'cuts-fit-markers.csv');
    writeFileSync(csv, 'my markers');
    rmSync(edl);
    expect(await fail(fitTrackToClip({ clip, track, handoff: ho, out: join(tmp.dir, 'elsewhere.wav') }))).toMatchObject({ code: 'exists', file: csv });
    expect(existsSync(join(tmp.dir, 'elsewhere.wav'))).toBe(false);

    const r = await fitTrackToClip({ clip, track, handoff: ho, force: true });
    expect(readFileSync(r.handoff!.csv, 'utf8')).not.toContain('my markers');
    expect(readFileSync(r.handoff!.edl, 'utf8')).toMatch(/^TITLE: /);
    expect(Math.abs((await seconds(r.handoff!.remix)) - T)).toBeLessThanOrEqual(1 / 25);
    expect(readdirSync(ho).sort()).toEqual(['cuts-fit-markers.csv', 'cuts-fit.edl', 'cuts-fit.fcpxml', 'cuts-fit.wav']);
  }, 120_000);

  it('a file or a link at the old .part-OUT name is neither consumed nor written through; no temp is left', async () => {
    const d = folder('part');
    const victim = join(d, 'victim.wav');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(d, '.part-a.wav'));
    writeFileSync(join(d, '.part-b.wav'), 'someone else’s file');
    await fitTrackToClip({ clip, track, out: join(d, 'a.wav') });
    await fitTrackToClip({ clip, track, out: join(d, 'b.wav') });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(d, '.part-b.wav'), 'utf8')).toBe('someone else’s file');
    for (const name of ['a.wav', 'b.wav']) {
      expect(lstatSync(join(d, name)).isFile()).toBe(true);
      expect(Math.abs((await seconds(join(d, name))) - T)).toBeLessThanOrEqual(1 / 25);
    }
    expect(temps(d)).toEqual([]);
  }, 120_000);

  it('a link at the output name is refused without force, and with force replaced itself, never its target', async () => {
    const d = folder('link');
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    const out = join(d, 'out.wav');
    symlinkSync(victim, out);
    const r = await fitTrackToClip({ clip, track });
    expect(await fail(renderFit(track, r.plan, { out }))).toMatchObject({ code: 'exists', file: out });
    await renderFit(track, r.plan, { out, force: true });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
  }, 120_000);

  it('two renders to one name at once share no temporary file: with force both succeed, without it one is refused', async () => {
    const d = folder('twice');
    const r = await fitTrackToClip({ clip, track });
    const out = join(d, 'same.wav');
    await Promise.all([renderFit(track, r.plan, { out, force: true }), renderFit(track, r.plan, { out, force: true })]);
    expect(Math.abs((await seconds(out)) - T)).toBeLessThanOrEqual(1 / 25);
    const fresh = join(d, 'fresh.wav');
    const both = await Promise.allSettled([renderFit(track, r.plan, { out: fresh }), renderFit(track, r.plan, { out: fresh })]);
    expect(both.filter((b) => b.status === 'fulfilled')).toHaveLength(1);
    expect(both.filter((b) => b.status === 'rejected').map((b) => (b as PromiseRejectedResult).reason)).toEqual([expect.objectContaining({ code: 'exists', file: fresh })]);
    expect(Math.abs((await seconds(fresh)) - T)).toBeLessThanOrEqual(1 / 25);
    expect(temps(d)).toEqual([]);
  }, 120_000);

  it('temp folders left by dead processes are swept by the next render into that folder; a live one is kept', async () => {
    const d = folder('stale');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    const stale = join(d, `.needledrop-export-${dead.pid}-abc123`);
    mkdirSync(stale);
    writeFileSync(join(stale, 'x.wav'), 'half');
    const live = join(d, `.needledrop-export-${process.ppid}-def456`);
    mkdirSync(live);
    await fitTrackToClip({ clip, track, out: join(d, 'x.wav') });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  }, 120_000);
});

describe('fit outputs it cannot write (R6)', () => {
  it('a hand-off folder under a file, a remix name too long, a missing folder: input errors naming that path, before any work', async () => {
    const stages: string[] = [];
    const onStage = (st: string): number => stages.push(st);
    const under = join(clip, 'handoff');
    expect(await fail(fitTrackToClip({ clip, track, handoff: under, onStage }))).toMatchObject({
      kind: 'input', file: under, message: `${under}: cannot create this folder (a folder in the path is a file)`,
    });
    const long = join(tmp.dir, `${'x'.repeat(300)}.wav`);
    expect(await fail(fitTrackToClip({ clip, track, out: long, onStage }))).toMatchObject({ kind: 'input', file: long, message: `${long}: the name is too long` });
    const missing = join(tmp.dir, 'nope', 'x.wav');
    expect(await fail(fitTrackToClip({ clip, track, out: missing, onStage }))).toMatchObject({ kind: 'input', file: missing, message: expect.stringMatching(/does not exist/) });
    expect(stages).toEqual([]);
    // A hand-off folder the fit made is not left behind when the fit then fails.
    const made = join(tmp.dir, 'made', 'deep');
    expect(await fail(fitTrackToClip({ clip, track, handoff: made, end: T + 5 }))).toMatchObject({ kind: 'input', file: clip });
    expect(existsSync(join(tmp.dir, 'made'))).toBe(false);
  }, 120_000);

  it('a remix name the file system refuses names the remix before ffmpeg runs; failing to decode the track names the track', async () => {
    const r = await fitTrackToClip({ clip, track });
    const long = join(tmp.dir, `${'y'.repeat(300)}.wav`);
    // The output check (lstat: ENAMETOOLONG) refuses it as the user's input, not an internal error.
    expect(await fail(renderFit(track, r.plan, { out: long }))).toMatchObject({ kind: 'input', file: long, message: `${long}: the name is too long` });
    // A WAV whose codec tag no decoder knows: probed fine, not decodable.
    const wav = await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=3'], join(tmp.dir, 'tone.wav'));
    const bytes = readFileSync(wav);
    bytes.writeUInt16LE(0x1234, 20);
    const odd = join(tmp.dir, 'odd-codec.wav');
    writeFileSync(odd, bytes);
    const plan: FitPlan = { duration: 2, start: 0, endMode: 'ending', tempoRatio: 1, ranges: [{ sourceStart: 0, sourceEnd: 2, outputStart: 0 }], splices: [], worstSplice: 0, beats: [], downbeats: [] };
    const out = join(tmp.dir, 'odd-remix.wav');
    expect(await fail(renderFit(odd, plan, { out }))).toMatchObject({ kind: 'input', file: odd, message: expect.stringMatching(/rendering the fit failed/) });
    expect(existsSync(out)).toBe(false);
    expect(temps(tmp.dir)).toEqual([]);
  }, 120_000);
});

// Root writes anywhere, so the read-only folder is tried as `nobody` (setpriv), as tests/integration/index/unavailable.test.ts does.
const asRoot = process.getuid?.() === 0;
const canDrop = !asRoot || spawnSync('setpriv', ['--version']).status === 0;

describe.skipIf(!canDrop || process.platform === 'win32')('needledrop fit into a folder it cannot write (through the CLI)', () => {
  const cli = (...args: string[]): { status: number | null; err: string } => {
    const command = [process.execPath, ...cliArgv(...args)];
    const [file, ...argv] = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command] : command;
    const home = join(tmp.dir, 'home');
    const run = spawnSync(file, argv, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NEEDLEDROP_HOME: home, HOME: home }, timeout: 180_000 });
    return { status: run.status, err: run.stderr };
  };

  it('exits 1 naming the folder or the remix, with a plain cause and no stack', () => {
    chmodSync(tmp.dir, 0o755);
    mkdirSync(join(tmp.dir, 'home'), { mode: 0o777 });
    chmodSync(join(tmp.dir, 'home'), 0o777);
    const ro = join(tmp.dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const sub = join(ro, 'sub');
    const a = cli('fit', clip, track, '--handoff', sub);
    expect(a.err).toContain(`${sub}: cannot create this folder (permission denied)`);
    expect(a.status).toBe(1);
    const out = join(ro, 'x.wav');
    const b = cli('fit', clip, track, '--out', out);
    expect(b.err).toContain(`${out}: cannot write in ${ro} (permission denied)`);
    expect(b.err).not.toContain(`${track}:`);
    expect(b.status).toBe(1);
    for (const e of [a.err, b.err]) {
      expect(e).not.toMatch(/internal error/);
      expect(e).not.toMatch(/\n\s+at /);
    }
  }, 300_000);
});
