/**
 * The clip range a match reports is the clip's, not the descriptor grid's (review S6): a 9.64 s
 * clip read 9.5 s, fire2's 2.38 s read 2.5 s, `--end 3.3` read 3.5. The truth here is ffprobe's
 * container duration, read independently of the engine's probe.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeClip, sliceClip } from '../../../electron/engine/app/clip';
import { splitSections } from '../../../electron/engine/app/sections';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();

function ffprobeSeconds(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(out.trim());
}

describe.skipIf(!media)('a clip analysis reports the clip range asked for', () => {
  const video = (name: string): string => join(media ?? '', 'video', name);

  it.each(['chaplin.mp4', 'fire2.mp4'])('%s: the whole clip lasts what ffprobe says, though its rows are whole 0.5 s steps', async (name) => {
    const file = video(name);
    const truth = ffprobeSeconds(file);
    expect(truth % 0.5).not.toBeCloseTo(0, 2); // the case the grid got wrong: a length that is no whole number of rows
    const clip = await analyzeClip(file);
    expect(clip.duration).toBeCloseTo(truth, 3);
    expect(Math.abs(clip.seq.T * clip.seq.step - truth)).toBeGreaterThan(0.05); // the grid alone would be wrong
    const sections = splitSections(clip);
    expect(sections.at(-1)?.end).toBeCloseTo(truth, 3);
    const last = sliceClip(clip, clip.seq.T - 1, clip.seq.T);
    expect(last.start + last.duration - clip.start).toBeCloseTo(truth, 3);
  });

  it('an in/out range reports its own length, and a start near the end stops at the end', async () => {
    const file = video('chaplin.mp4');
    const truth = ffprobeSeconds(file);
    const inOut = await analyzeClip(file, { start: 1, end: 3.3 });
    expect(inOut.start).toBeCloseTo(1, 3);
    expect(inOut.duration).toBeCloseTo(2.3, 3);
    const tail = await analyzeClip(file, { start: 0.3 });
    expect(tail.start + tail.duration).toBeCloseTo(truth, 3);
  });

  it('a picture that ends seconds before its sound reports the picture, not the container', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nd-clip-range-')), 'short-picture.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=6',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file]);
    expect(ffprobeSeconds(file)).toBeGreaterThan(5.9);
    const clip = await analyzeClip(file);
    expect(clip.duration).toBeGreaterThan(2.9);
    expect(clip.duration).toBeLessThan(3.6);
  });
});
