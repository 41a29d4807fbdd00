/**
 * Matroska states a stream's length only as a DURATION tag ("00:00:01.500000000"): the probe
 * reads it as that many seconds.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioStream, probe } from '../../../electron/engine/media/probe';
import { ffmpeg, tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-mkv-');
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('Matroska stream durations', () => {
  it('reads the DURATION tag of a 1.5 s FLAC stream in Matroska as 1.5 s', async () => {
    const file = await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000:duration=1.5', '-c:a', 'flac'], join(tmp.dir, 'tone.mkv'));
    const a = audioStream(await probe(file));
    expect(a?.duration).toBeCloseTo(1.5, 2);
  });
});
