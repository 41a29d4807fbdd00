/**
 * decodeAudioInto when ffmpeg's writes are not whole chunks. Debian's ffmpeg writes 32 KB at a
 * time, so a pipe read is whole chunks and the chunker never holds a partial one; another build
 * or platform may write in other sizes. Here the real ffmpeg's stdout is re-blocked into
 * 12,004-byte writes (a wrapper through `dd obs=12004`) and the consumer is slow, so reads pile up
 * into odd lengths that start mid-chunk: whole chunks may be handed out as views into a read only
 * when no partial chunk is pending (decode.ts, the `fill === 0` guard), else the PCM comes out of
 * order. The truth is decodeAudio's generator on the same wrapper: same chunks, same bytes.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, decodeAudioInto } from '../../../electron/engine/media/decode';
import { configureFfmpeg, toolInfo } from '../../../electron/engine/media/ffmpeg-path';
import { musicLike, tempDir } from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
let music: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-odd-reads-'));
  music = await musicLike(dir, { seconds: 30, name: 'music.mp3' });
  const wrapper = join(dir, 'odd-ffmpeg.sh');
  // The real ffmpeg, its stdout in 12,004-byte writes (not a multiple of a 4-byte sample or of a chunk); its exit status kept.
  writeFileSync(wrapper, `#!/bin/bash\n${JSON.stringify(toolInfo('ffmpeg').path)} "$@" | dd obs=12004 status=none\nexit \${PIPESTATUS[0]}\n`);
  chmodSync(wrapper, 0o755);
  configureFfmpeg({ ffmpeg: wrapper });
}, 120_000);
afterAll(async () => {
  configureFfmpeg({});
  await cleanup?.();
});

/** A busy consumer: while it works, ffmpeg's writes pile up in the pipe and arrive as one odd read. */
const busy = (ms: number): void => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

describe.skipIf(process.platform === 'win32')('decodeAudioInto on odd-sized pipe writes', () => {
  it('gives decodeAudio’s chunks and PCM with a slow consumer', async () => {
    // The pipe (no spool): its reads are what this file is about.
    const opts = { sampleRate: 22050, spool: () => null };
    const truth: Float32Array[] = [];
    for await (const c of decodeAudio(music, opts)) truth.push(c.slice());
    const got: Float32Array[] = [];
    let views = 0;
    await decodeAudioInto(music, opts, (c) => {
      // A chunk handed out as a view into a larger read (the path the guard protects).
      if (c.buffer.byteLength > c.byteLength) views++;
      got.push(c.slice());
      busy(3);
    });
    const bytes = (cs: Float32Array[]): Buffer => Buffer.concat(cs.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    expect(got.map((c) => c.length)).toEqual(truth.map((c) => c.length));
    expect(bytes(got).equals(bytes(truth))).toBe(true);
    // 30 s at 22,050 Hz: 661,500 samples (an mp3's decoder delay and padding aside, within 0.1 s).
    expect(Math.abs(truth.reduce((n, c) => n + c.length, 0) - 30 * 22050)).toBeLessThan(2205);
    process.stderr.write(`odd reads: ${got.length} chunks, ${views} handed out as views\n`);
  }, 120_000);
});
