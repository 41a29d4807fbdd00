/**
 * The mono downmix keeps loudness: the same content on 1, 2, 6 or 8 channels reads the same
 * LUFS, RMS and energy (ffmpeg's default float downmix sums channels: +3 dB stereo, +13 dB 7.1).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { ffmpeg, tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
const files: Record<string, string> = {};

beforeAll(async () => {
  tmp = await tempDir('needledrop-downmix-');
  // A chord with a pulse: the same expression on every channel.
  const expr = '0.2*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*3*t))+0.1*sin(2*PI*330*t)';
  for (const layout of ['mono', 'stereo', '5.1', '7.1']) {
    files[layout] = await ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${expr}:c=${layout}:s=44100:d=6`, '-c:a', 'flac'], join(tmp.dir, `${layout}.flac`));
  }
});

afterAll(async () => {
  await tmp?.cleanup();
});

it('reads equally loud in mono, stereo, 5.1 and 7.1', async () => {
  const mono = (await extractAudioFeatures(files.mono)).summary;
  // The mono file's level, worked out by hand: mean square of 0.2·sin·(0.6+0.4 sin) + 0.1·sin is
  // 0.02·(0.36+0.08) + 0.005 = 0.0138 → −18.6 dBFS RMS.
  expect(mono.rmsDb).toBeCloseTo(10 * Math.log10(0.0138), 0);
  for (const layout of ['stereo', '5.1', '7.1']) {
    const s = (await extractAudioFeatures(files[layout])).summary;
    expect(Math.abs(s.loudnessLufs! - mono.loudnessLufs!), layout).toBeLessThan(0.3);
    expect(Math.abs(s.rmsDb - mono.rmsDb), layout).toBeLessThan(0.3);
  }
});
