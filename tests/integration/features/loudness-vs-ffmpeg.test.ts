/**
 * The stored loudness of real recordings against an independent BS.1770 meter: ffmpeg's `ebur128`
 * filter (at 48 kHz, the rate its K-weighting is specified at) on the same files. The eight shared
 * recordings are 22.05 kHz mono, so ffmpeg meters exactly the samples we meter. ffmpeg prints the
 * integrated loudness to 0.1 LU, hence the tolerance. Before ANALYSIS_VERSION 4 the extractor read
 * these 0.10–0.37 LU low (the RBJ shelf), which this test catches on five of them.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { sharedMediaDir } from '../../helpers/media';

const run = promisify(execFile);
const root = await sharedMediaDir();
const music = root ? (await readdir(join(root, 'music'))).filter((f) => f.endsWith('.ogg')).sort() : [];

async function ffmpegIntegrated(file: string): Promise<number> {
  const { stderr } = await run(ffmpegPath(), ['-nostdin', '-hide_banner', '-nostats', '-i', file, '-af', 'aresample=48000,ebur128', '-f', 'null', '-'], { maxBuffer: 1 << 26 });
  // The summary's "I:" line comes last; the per-frame lines also carry "I:", so take the final one.
  const all = [...stderr.matchAll(/^\s+I:\s+(-?[\d.]+) LUFS$/gm)];
  expect(all.length, `no integrated loudness in ffmpeg's output for ${file}`).toBeGreaterThan(0);
  return Number(all[all.length - 1][1]);
}

describe.skipIf(!root)('stored loudness against ffmpeg\'s ebur128 meter', () => {
  it.each(music)('%s: within 0.1 LU', async (name) => {
    const file = join(root!, 'music', name);
    const [ours, theirs] = await Promise.all([extractAudioFeatures(file).then((f) => f.summary.loudnessLufs), ffmpegIntegrated(file)]);
    expect(ours).not.toBeNull();
    expect(Math.abs(ours! - theirs), `ours ${ours}, ffmpeg ${theirs}`).toBeLessThanOrEqual(0.1);
  }, 60_000);
});
