/**
 * The PCM spool (media/pcm-spool.ts) leaves nothing behind: every way a spooled decodeAudioInto
 * ends (clean, ffmpeg failing, invalid samples, cancelled, the consumer throwing, PCM past the
 * cap, which goes the pipe way) removes its folder; a process killed with SIGKILL while its
 * ffmpeg writes leaves its folder and file, and the next sweep removes them (and only folders of
 * processes that are gone). Real ffmpeg, real processes. (An index run's worker threads:
 * tests/integration/index/spool.test.ts.)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, decodeAudioInto, setSpoolMaxBytes, SPOOL_MAX_BYTES } from '../../../electron/engine/media/decode';
import { ownSpools, spoolRoot, sweepStaleSpools } from '../../../electron/engine/media/pcm-spool';
import { musicLike, nanWav, tempDir } from '../../helpers/media';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
let dir: string;
let cleanup: () => Promise<void>;
let music: string;
let nan: string;
let text: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-pcm-spool-'));
  music = await musicLike(dir, { seconds: 60, name: 'music.mp3' });
  nan = await nanWav(dir);
  text = join(dir, 'notes.wav');
  writeFileSync(text, 'not audio\n'.repeat(40));
}, 120_000);
afterAll(() => cleanup?.());

/** A process that has ended: its pid is free (until reused, which a sweep cannot tell apart). */
async function endedPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('close', r));
  return c.pid!;
}

/** ffmpeg processes whose command line mentions `path`. */
function ffmpegsOn(path: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

const until = async (done: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
};

describe.skipIf(spoolRoot() === null)('the PCM spool', () => {
  it('keeps nothing after every way a decode ends', async () => {
    const ends: Array<[string, () => Promise<unknown>]> = [
      ['clean', () => decodeAudioInto(music, { sampleRate: 22050 }, () => undefined)],
      ['ffmpeg fails', () => decodeAudioInto(text, { sampleRate: 22050 }, () => undefined)],
      ['invalid samples', () => decodeAudioInto(nan, { sampleRate: 22050 }, () => undefined)],
      [
        'cancelled while ffmpeg runs',
        () => {
          const ac = new AbortController();
          setTimeout(() => ac.abort(), 20);
          return decodeAudioInto(music, { sampleRate: 22050, signal: ac.signal }, () => undefined);
        },
      ],
      [
        'cancelled while reading',
        () => {
          const ac = new AbortController();
          return decodeAudioInto(music, { sampleRate: 22050, signal: ac.signal }, () => ac.abort());
        },
      ],
      [
        'the consumer throws',
        () =>
          decodeAudioInto(music, { sampleRate: 22050 }, () => {
            throw new Error('consumer gave up');
          }),
      ],
    ];
    const outcomes: string[] = [];
    for (const [what, run] of ends) {
      const outcome = await run().then(
        () => 'ok',
        (err: Error & { kind?: string }) => err.kind ?? err.message,
      );
      outcomes.push(`${what}: ${outcome}`);
      expect(ownSpools(), what).toEqual([]);
    }
    expect(outcomes).toEqual([
      'clean: ok',
      'ffmpeg fails: input',
      'invalid samples: input',
      'cancelled while ffmpeg runs: cancelled',
      'cancelled while reading: cancelled',
      'the consumer throws: consumer gave up',
    ]);
    expect(ffmpegsOn(`needledrop-pcm-${process.pid}-`)).toEqual([]);
  }, 60_000);

  it('a cancel from outside while the spool is read stops the hand-out within one read (32 chunks)', async () => {
    const ac = new AbortController();
    let seen = 0;
    const run = decodeAudioInto(music, { sampleRate: 22050, signal: ac.signal }, () => {
      // The abort comes from the event loop (as a worker's cancel message does), not from inside the hand-out.
      if (++seen === 1) setImmediate(() => ac.abort());
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    // 60 s of PCM is ~162 chunks of 8,192 samples; a read is 32 of them.
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(seen).toBeLessThanOrEqual(32);
    expect(ownSpools()).toEqual([]);
  }, 60_000);

  it('a file whose PCM reaches the cap is decoded again through the pipe: all of it, in decodeAudio’s chunks', async () => {
    const truth: Float32Array[] = [];
    for await (const c of decodeAudio(music, { sampleRate: 22050 })) truth.push(c.slice());
    // 64 KiB: ffmpeg stops the spool file a packet past it (60 s of PCM is 5.3 MB).
    setSpoolMaxBytes(64 << 10);
    const got: Float32Array[] = [];
    try {
      await decodeAudioInto(music, { sampleRate: 22050 }, (c) => got.push(c.slice()));
    } finally {
      setSpoolMaxBytes(SPOOL_MAX_BYTES);
    }
    const bytes = (cs: Float32Array[]): Buffer => Buffer.concat(cs.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    expect(got.map((c) => c.length)).toEqual(truth.map((c) => c.length));
    expect(bytes(got).equals(bytes(truth))).toBe(true);
    expect(Math.abs(got.reduce((n, c) => n + c.length, 0) - 60 * 22050)).toBeLessThan(2205);
    expect(ownSpools()).toEqual([]);
  }, 60_000);

  it('a sweep removes the folders of ended processes only', async () => {
    const root = join(dir, 'root');
    const gone = `needledrop-pcm-${await endedPid()}-0`;
    const live = spawn('sleep', ['30']);
    try {
      const names = [gone, `needledrop-pcm-${live.pid}-3`, `needledrop-pcm-${process.pid}-1`, 'needledrop-pcm-notes', 'other-123-0'];
      for (const n of names) {
        mkdirSync(join(root, n), { recursive: true });
        writeFileSync(join(root, n, '0.f32'), 'pcm');
      }
      expect(sweepStaleSpools(root)).toEqual([gone]);
      expect(readdirSync(root).sort()).toEqual(names.filter((n) => n !== gone).sort());
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('a process killed (SIGKILL) while its ffmpeg writes leaves a folder the next sweep removes', async () => {
    // A root of its own, so no other process's first spool (which sweeps ended processes' folders) races this test.
    const root = join(dir, 'killed-root');
    mkdirSync(root);
    // The child starts a spooled decode and kills itself as soon as ffmpeg's output file exists.
    const script = [
      `const { decodeAudioInto } = await import(${JSON.stringify(join(REPO, 'electron/engine/media/decode.ts'))});`,
      `const { readdirSync } = await import('node:fs');`,
      `const root = ${JSON.stringify(root)};`,
      `const mine = () => readdirSync(root).filter((n) => n.startsWith('needledrop-pcm-' + process.pid + '-'));`,
      `void decodeAudioInto(${JSON.stringify(music)}, { sampleRate: 22050 }, () => {});`,
      `const t = setInterval(() => { const d = mine(); if (d.length > 0 && readdirSync(root + '/' + d[0]).length > 0) { clearInterval(t); process.kill(process.pid, 'SIGKILL'); } }, 1);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NEEDLEDROP_PCM_SPOOL_ROOT: root },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.once('close', (_, sig) => r(sig)));
    expect(signal, stderr).toBe('SIGKILL');
    const name = readdirSync(root).find((n) => n.startsWith(`needledrop-pcm-${child.pid}-`));
    expect(name).toBeDefined();
    const folder = join(root, name!);
    // The orphaned ffmpeg finishes its file (nothing stops it) and exits.
    await until(() => ffmpegsOn(folder).length === 0, 'the orphaned ffmpeg to end');
    expect(readdirSync(folder)).toEqual(['pcm.f32']);
    expect(sweepStaleSpools(root)).toEqual([name]);
    expect(existsSync(folder)).toBe(false);
  }, 60_000);
});
