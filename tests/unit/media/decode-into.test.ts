/**
 * decodeAudioInto (the 'data'-listener decode the indexer's analyzer uses) against decodeAudio's
 * async generator: for every kind of file the same PCM in the same chunks (the steps' sums of
 * squares depend on the chunk boundaries), and the same ending — clean, a DecodeError with the
 * same message and decoded seconds, non-finite samples silenced and reported — plus the input
 * dump, cancelling and a consumer's error, each leaving no ffmpeg running. Every case runs twice:
 * through a PCM spool (an unlinked file in /dev/shm, pcm-spool.ts; where there is none the
 * cases run on the pipe) and through ffmpeg's pipe.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, decodeAudioInto, DecodeError, type DecodeIntoOptions } from '../../../electron/engine/media/decode';
import { spoolRoot } from '../../../electron/engine/media/pcm-spool';
import { damagedFlac, ffmpeg, musicLike, nanWav, tempDir, truncated } from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
const f: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-decode-into-'));
  f.music = await musicLike(dir, { seconds: 20, name: 'music.mp3' });
  f.stereo = await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=3', '-ac', '2', '-ar', '48000'], join(dir, 'stereo.flac'));
  f.cut = await truncated(await musicLike(dir, { seconds: 8, name: 'whole.mp3' }), dir, 0.5, 'cut.mp3');
  f.nan = await nanWav(dir);
  // Damaged frames all through: ffmpeg gives up part-way on its error rate (a non-zero exit).
  f.damaged = await damagedFlac(dir);
  // Two mp3s joined byte for byte (as joined downloads are): the sample rate changes part-way, so
  // ffmpeg rebuilds its filter graph there; a spool's 64k-sample framing lost the samples it held.
  const parts = await Promise.all([44100, 48000].map((rate) => ffmpeg(['-f', 'lavfi', '-i', `sine=f=${rate / 100}:d=7`, '-ar', String(rate), '-ac', '2'], join(dir, `part-${rate}.mp3`))));
  f.joined = join(dir, 'joined.mp3');
  writeFileSync(f.joined, Buffer.concat(parts.map((p) => readFileSync(p))));
  f.text = join(dir, 'readme.wav');
  writeFileSync(f.text, 'this is not audio\n'.repeat(50));
}, 120_000);
afterAll(() => cleanup?.());

type Outcome = { chunks: Float32Array[]; dump?: string; error?: { message: string; seconds: number | undefined }; fellBack?: string | null };

/**
 * ffmpeg's own words after a cause differ from run to run of one file (its threaded decoders log
 * errors in a racing order), as batch.test.ts notes: compared without them.
 */
const withoutFfmpegDetail = (cause: string): string => cause.replace(/ \(ffmpeg: [\s\S]*\)$/, ' (ffmpeg: …)');
const failure = (err: unknown): Outcome['error'] => ({ message: withoutFfmpegDetail((err as Error).message), seconds: err instanceof DecodeError ? err.decodedSeconds : undefined });
const bytes = (chunks: Float32Array[]): Buffer => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

async function viaGenerator(file: string, sampleRate: number): Promise<Outcome> {
  const out: Outcome = { chunks: [] };
  try {
    for await (const c of decodeAudio(file, { sampleRate, onInputDump: (d) => (out.dump = d) })) out.chunks.push(c.slice());
  } catch (err) {
    out.error = failure(err);
  }
  return out;
}

async function viaListener(file: string, sampleRate: number, spool: DecodeIntoOptions['spool']): Promise<Outcome> {
  const out: Outcome = { chunks: [] };
  try {
    await decodeAudioInto(file, { sampleRate, spool, onInputDump: (d) => (out.dump = d), onSpool: (w) => (out.fellBack = w) }, (c) => out.chunks.push(c.slice()));
  } catch (err) {
    out.error = failure(err);
  }
  return out;
}

/** ffmpeg processes whose command line mentions this test's temp dir. */
function ffmpegsOn(path: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The two ways decodeAudioInto gets its PCM: the default spool, and none (the pipe). */
const WAYS: Array<[string, DecodeIntoOptions['spool']]> = [
  ['through a spool', undefined],
  ['through the pipe', () => null],
];

describe.each(WAYS)('decodeAudioInto %s', (_way, spool) => {
  it.each([
    ['an mp3', 'music', 22050, 'clean'],
    ['a 48 kHz stereo flac', 'stereo', 22050, 'clean'],
    ['a file cut short', 'cut', 22050, 'any'],
    ['two joined mp3s (44.1 then 48 kHz)', 'joined', 22050, 'any'],
    ['a file with NaN and infinite samples', 'nan', 22050, 'fails'],
    ['a file damaged all through', 'damaged', 22050, 'fails'],
    ['a text file', 'text', 22050, 'fails'],
  ])('%s: the same chunks, bit for bit, and the same ending as decodeAudio', async (_, name, rate, ending) => {
    const [a, b] = [await viaGenerator(f[name], rate), await viaListener(f[name], rate, spool)];
    expect(b.chunks.map((c) => c.length)).toEqual(a.chunks.map((c) => c.length));
    // equals(), not toEqual: a deep comparison of megabytes takes vitest seconds.
    expect(bytes(b.chunks).equals(bytes(a.chunks))).toBe(true);
    // Every file gives PCM but the text file, which ffmpeg cannot open.
    expect(a.chunks.length > 0).toBe(name !== 'text');
    expect(b.error).toEqual(a.error);
    // Context addresses ("[mp3 @ 0x55…]") differ from one ffmpeg run to the next.
    const dump = (d: string | undefined): string | undefined => d?.replace(/ @ 0x[0-9a-f]+\]/g, ' @ 0x…]');
    expect(dump(b.dump)).toEqual(dump(a.dump));
    if (ending === 'clean') {
      expect(b.error).toBeUndefined();
      // The spool way really spooled (null: no fallback); the pipe way never tried one.
      expect(b.fellBack).toBe(spool === undefined && spoolRoot() !== null ? null : undefined);
      expect(b.dump).toMatch(/Input #0/);
    }
    if (ending === 'fails') {
      expect(b.error?.message.startsWith(f[name])).toBe(true);
      expect(b.dump).toBeUndefined();
    }
  });

  it('a slow consumer (reads pile up into several chunks each): the same chunks, some as views into a read', async () => {
    const a = await viaGenerator(f.music, 22050);
    const chunks: Float32Array[] = [];
    let views = 0;
    await decodeAudioInto(f.music, { sampleRate: 22050, spool }, (c) => {
      if (c.byteOffset > 0) views++;
      chunks.push(c.slice());
      // Busy for 2 ms a chunk: ffmpeg's 32 KB writes meanwhile fill the pipe.
      const until = performance.now() + 2;
      while (performance.now() < until);
    });
    expect(views).toBeGreaterThan(0);
    expect(chunks.map((c) => c.length)).toEqual(a.chunks.map((c) => c.length));
    expect(bytes(chunks).equals(bytes(a.chunks))).toBe(true);
  });

  it('silences non-finite samples and says how many there were', async () => {
    const b = await viaListener(f.nan, 44100, spool);
    expect(b.chunks.every((c) => c.every((v) => Number.isFinite(v)))).toBe(true);
    expect(b.error?.message).toMatch(/holds \d+ invalid samples \(NaN or infinite\), replaced by silence/);
    // The whole file was handed out first: 3 s at 44.1 kHz.
    expect(b.chunks.reduce((n, c) => n + c.length, 0)).toBe(3 * 44100);
    expect(b.error?.seconds).toBe(3);
  });

  it('ends ffmpeg and rejects as cancelled when the signal aborts part-way', async () => {
    const ac = new AbortController();
    let seen = 0;
    const run = decodeAudioInto(f.music, { sampleRate: 22050, spool, signal: ac.signal }, () => {
      if (++seen === 2) ac.abort();
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(seen).toBe(2);
    expect(ffmpegsOn(dir)).toEqual([]);
  });

  it('hands out nothing after an abort, even the rest of a read that held several chunks', async () => {
    // The first chunk keeps the consumer busy long enough for ffmpeg to fill the pipe, so the next
    // read holds several chunks; the abort comes in the first of them. (CI under load caught a
    // third chunk handed out after the abort: the rest of that read.)
    const ac = new AbortController();
    const sizes: number[] = [];
    const run = decodeAudioInto(f.music, { sampleRate: 22050, spool, signal: ac.signal }, (c) => {
      sizes.push(c.length);
      if (sizes.length === 1) {
        const until = performance.now() + 150;
        while (performance.now() < until);
      } else ac.abort();
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(sizes).toHaveLength(2);
    expect(ffmpegsOn(dir)).toEqual([]);
  });

  it("rejects with the consumer's own error and ends ffmpeg", async () => {
    let seen = 0;
    const run = decodeAudioInto(f.music, { sampleRate: 22050, spool }, () => {
      if (++seen === 3) throw new Error('consumer gave up');
    });
    await expect(run).rejects.toThrow('consumer gave up');
    expect(seen).toBe(3);
    expect(ffmpegsOn(dir)).toEqual([]);
  });
});
