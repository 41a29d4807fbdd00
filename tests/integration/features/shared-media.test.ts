import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../../electron/engine/features/extract';
import { probe } from '../../../electron/engine/media/probe';
import { sharedMediaDir } from '../../helpers/media';

const root = await sharedMediaDir();
const files = root
  ? (await Promise.all(['music', 'video', 'odd'].map(async (d) => (await readdir(join(root, d))).filter((f) => !/\.(txt|md)$/.test(f)).map((f) => join(root, d, f))))).flat()
  : [];

describe.skipIf(!root)('every file in ../shared/media', () => {
  if (!root) it.skip('../shared/media is absent: skipped', () => undefined);

  // Every file here is known-good (../shared/media/README.md): each must yield features, and the
  // modalities its folder promises. An error is a failure, however clearly it names the file.
  it.each(files)('%s yields features', async (file) => {
    const info = await probe(file);
    const out = await extractFeatures(file, { info });
    const folder = basename(dirname(file));
    if (folder === 'music') {
      expect(out.audio).toBeDefined();
      expect(out.video).toBeUndefined();
    }
    if (folder === 'video') {
      expect(out.audio).toBeDefined();
      expect(out.video).toBeDefined();
    }
    for (const part of [out.audio, out.video]) {
      if (!part) continue;
      expect(part.seq.T).toBeGreaterThan(0);
      expect(part.seq.data.every((v) => Number.isFinite(v))).toBe(true);
      expect(Math.abs(part.summary.duration - info.duration)).toBeLessThan(0.6);
    }
    expect(out.audio ?? out.video).toBeDefined();
  });

  it('handles the odd files as documented', async () => {
    const odd = (name: string): string => join(root!, 'odd', name);
    const noDuration = await probe(odd('no_duration.webm'));
    expect(noDuration.durationSource).toBe('scan');
    // Its last frame starts at 4.872 s and lasts 66 ms: the scan reads where the picture ends.
    expect(noDuration.duration).toBeCloseTo(4.938, 3);
    const art = await extractFeatures(odd('with-attached-pic.mp3'));
    expect(art.video).toBeUndefined();
    expect(art.audio?.seq.T).toBe(2);
    const short = await extractFeatures(odd('big_buck_bunny_432_433.webm'));
    expect([short.audio?.seq.T, short.video?.seq.T]).toEqual([2, 2]);
    const failing = await extractFeatures(odd('video_with_failing_audio.mp4'));
    expect(failing.video?.seq.T).toBeGreaterThan(20);
    expect(failing.audio?.summary.duration).toBeGreaterThan(0);
  });
});
