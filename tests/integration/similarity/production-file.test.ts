/**
 * A production signature read from a file through the real ffmpeg: a file that is not audio fails
 * naming the file and ffmpeg's own reason; a mono file has no side (its width at the floor, as the
 * function's contract says), and a stereo file with independent channels has side and mid alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configureFfmpeg } from '../../../electron/engine/media/ffmpeg-path';
import { binBands, PRODUCTION_SPEC, productionSignature } from '../../../electron/engine/similarity/production';
import { ffmpeg } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-production-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const nb = binBands(PRODUCTION_SPEC.sampleRate, PRODUCTION_SPEC.nfft, PRODUCTION_SPEC.lowHz, PRODUCTION_SPEC.edges).count;

describe('productionSignature', () => {
  it('a file that is not there is refused as such before any ffmpeg starts', async () => {
    const file = join(tmp, 'moved-away.flac');
    // An ffmpeg that cannot start: reaching it would fail as "ffmpeg … does not exist", not as the file.
    configureFfmpeg({ ffmpeg: join(tmp, 'no-ffmpeg-here') });
    try {
      await expect(productionSignature(file, 5)).rejects.toThrow(`${file}: file not found`);
    } finally {
      configureFfmpeg({});
    }
  });

  it('a text file named .wav fails with the file and ffmpeg\'s reason', async () => {
    const file = join(tmp, 'not-audio.wav');
    writeFileSync(file, 'hello, not audio');
    await expect(productionSignature(file, 5)).rejects.toThrow(`${file}: Invalid data found when processing input`);
  });

  it('mono noise: no side in any band', async () => {
    const file = await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=d=2:c=white:r=44100:a=0.3:seed=5', '-ac', '1'], join(tmp, 'mono.wav'));
    const sig = await productionSignature(file, 2);
    expect(sig).toHaveLength(2 * nb);
    for (let b = 0; b < nb; b++) expect(sig![nb + b]).toBeLessThan(-100);
  });

  it('independent noise on each channel: side within 3 dB of mid in every band', async () => {
    const file = await ffmpeg(
      ['-f', 'lavfi', '-i', 'anoisesrc=d=2:c=white:r=44100:a=0.3:seed=6', '-f', 'lavfi', '-i', 'anoisesrc=d=2:c=white:r=44100:a=0.3:seed=7', '-filter_complex', '[0][1]join=inputs=2:channel_layout=stereo'],
      join(tmp, 'stereo.wav'),
    );
    const sig = await productionSignature(file, 2);
    expect(sig).toHaveLength(2 * nb);
    for (let b = 0; b < nb; b++) expect(Math.abs(sig![nb + b])).toBeLessThan(3);
  });
});
