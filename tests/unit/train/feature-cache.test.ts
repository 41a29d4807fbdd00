import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { createRng } from '../../../electron/engine/util/prng';
import { cachedFeatures, readCached, writeCached, type CachedFeatures } from '../../../electron/engine/train/feature-cache';

const dir = mkdtempSync(join(tmpdir(), 'nd-featcache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  bpm: number;
  beats: number[];
}

function features(seed: number, T = 23, D = 7): CachedFeatures<Summary> {
  const rng = createRng(seed);
  // Awkward values on purpose: denormals, signed zero, infinities and NaN must survive bit for bit.
  const data = Float32Array.from({ length: T * D }, () => (rng.next() - 0.5) * 1e3);
  data.set([1e-42, -0, Infinity, -Infinity, NaN], 0);
  const seq: FeatureSeq = { step: 0.5, names: Array.from({ length: D }, (_, c) => `col_${c}`), data, T, D, spec: 'spec-1', start: 1.25 };
  return { seq, summary: { bpm: 121.5, beats: [0.5, 1, 1.5] } };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('feature cache', () => {
  it('round-trips data bit for bit and every header field', () => {
    const value = features(1);
    const path = join(dir, 'one.feat');
    writeCached(path, value);
    const back = readCached<Summary>(path);
    expect(back).toBeDefined();
    const { data, ...header } = back!.seq;
    const { data: orig, ...origHeader } = value.seq;
    expect(bits(data)).toEqual(bits(orig));
    expect(header).toEqual(origHeader);
    expect(back!.summary).toEqual(value.summary);
  });

  it('writes a subarray view as just its own values', () => {
    const value = features(2, 5, 3);
    const big = new Float32Array(100).fill(9);
    big.set(value.seq.data, 17);
    const view = big.subarray(17, 17 + value.seq.data.length);
    const path = join(dir, 'view.feat');
    writeCached(path, { ...value, seq: { ...value.seq, data: view } });
    expect(bits(readCached<Summary>(path)!.seq.data)).toEqual(bits(value.seq.data));
  });

  it('hits for the same file and spec, misses for a changed mtime, size or spec', async () => {
    const cacheDir = join(dir, 'cache');
    const media = join(dir, 'clip.bin');
    writeFileSync(media, 'abc');
    let calls = 0;
    const extract = (seed: number) => async () => {
      calls++;
      return features(seed);
    };
    const first = await cachedFeatures(cacheDir, media, 'video', 'spec-1', extract(3));
    expect(first.hit).toBe(false);
    const again = await cachedFeatures(cacheDir, media, 'video', 'spec-1', extract(99));
    expect(again.hit).toBe(true);
    expect(calls).toBe(1);
    expect(bits(again.seq.data)).toEqual(bits(features(3).seq.data));

    // Other modality or spec: a different entry.
    expect((await cachedFeatures(cacheDir, media, 'audio', 'spec-1', extract(4))).hit).toBe(false);
    expect((await cachedFeatures(cacheDir, media, 'video', 'spec-2', extract(5))).hit).toBe(false);

    // Same size, new mtime.
    const st = statSync(media);
    utimesSync(media, st.atime, new Date(st.mtimeMs + 5000));
    const touched = await cachedFeatures(cacheDir, media, 'video', 'spec-1', extract(6));
    expect(touched.hit).toBe(false);
    expect(bits(touched.seq.data)).toEqual(bits(features(6).seq.data));

    // New size, same mtime.
    const mtime = statSync(media).mtime;
    writeFileSync(media, 'abcd');
    utimesSync(media, mtime, mtime);
    expect((await cachedFeatures(cacheDir, media, 'video', 'spec-1', extract(7))).hit).toBe(false);
    expect(calls).toBe(5);
    // And the fresh result is what the next lookup returns.
    const cached = await cachedFeatures(cacheDir, media, 'video', 'spec-1', extract(8));
    expect(cached.hit).toBe(true);
    expect(bits(cached.seq.data)).toEqual(bits(features(7).seq.data));
  });

  it('treats a truncated or garbled cache file as a miss, then rewrites it', async () => {
    const cacheDir = join(dir, 'trunc');
    const media = join(dir, 'track.bin');
    writeFileSync(media, 'xyz');
    await cachedFeatures(cacheDir, media, 'audio', 'spec-1', async () => features(10));
    const [name] = readdirSync(cacheDir);
    const path = join(cacheDir, name);
    const whole = readFileSync(path);
    const headerEnd = 4 + whole.readUInt32LE(0);
    // Cuts inside the length word, inside the JSON header, right after it, inside the data, one byte short.
    for (const cut of [0, 2, 10, headerEnd - 1, headerEnd, headerEnd + 13, whole.length - 1]) {
      writeFileSync(path, whole.subarray(0, cut));
      expect(readCached(path), `cut at ${cut}`).toBeUndefined();
      const again = await cachedFeatures(cacheDir, media, 'audio', 'spec-1', async () => features(11));
      expect(again.hit, `cut at ${cut}`).toBe(false);
      expect(readCached<Summary>(path)!.summary).toEqual(features(11).summary);
    }
    writeFileSync(path, Buffer.concat([whole.subarray(0, 4), Buffer.alloc(whole.length - 4, 0x7b)]));
    expect(readCached(path)).toBeUndefined();
  });
});
