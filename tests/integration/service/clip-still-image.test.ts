/**
 * A still image is no clip. ffprobe reads a PNG or a JPEG as a video of one frame (0.04 s at an
 * assumed 25 fps), so clip.open took it as a clip and match refused it only as "too short to match".
 * Now clip.open, and match and fit through the range rule, say what it is, naming what ffprobe
 * found (its codec and format, read here by ffprobe itself). An animated GIF is a moving picture and
 * still opens. Images made by ffmpeg here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClip } from '../../../electron/engine/app/clip';
import { withEngine } from '../../helpers/engine';
import { ffmpeg } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-still-image-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NAMES: Record<string, string> = { png: 'PNG', mjpeg: 'JPEG', webp: 'WebP', gif: 'GIF' };
const stills: string[] = [];
let animated = '';

beforeAll(async () => {
  const picture = ['-f', 'lavfi', '-i', 'testsrc=s=64x36:d=1', '-frames:v', '1'];
  for (const name of ['still.png', 'still.jpg', 'still.webp', 'still.gif']) stills.push(await ffmpeg(picture, join(tmp, name)));
  animated = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=64x36:r=10:d=3'], join(tmp, 'moving.gif'));
}, 60_000);

/** What ffprobe itself says of the file: the first stream's codec and the format. */
function probed(file: string): { codec: string; format: string } {
  const o = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=format_name', '-of', 'json', file]).toString());
  return { codec: o.streams[0].codec_name, format: o.format.format_name };
}

const refusal = (file: string): string => {
  const { codec, format } = probed(file);
  return `${file}: is an image, not a video (ffprobe reads one ${NAMES[codec]} picture: codec ${codec}, format ${format}): open a video clip`;
};

describe('a still image is not a clip', () => {
  it('clip.open refuses a PNG, a JPEG, a WebP and a one-frame GIF, naming what ffprobe found; an animated GIF opens', async () => {
    await withEngine(join(tmp, 'home'), { confined: true }, async (engine) => {
      for (const file of stills) await expect(engine.call('clip.open', { path: file })).rejects.toMatchObject({ code: 'bad-input', file, message: refusal(file) });
      expect(await engine.call('clip.open', { path: animated })).toMatchObject({ path: animated, width: 64, height: 36, fps: 10 });
    });
  }, 60_000);

  it("match's analysis refuses one in the same words (not as too short)", async () => {
    for (const file of stills.slice(0, 2)) await expect(analyzeClip(file)).rejects.toThrow(refusal(file));
  }, 60_000);
});
