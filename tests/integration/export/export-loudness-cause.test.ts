/**
 * An export's loudness warning names the real cause (session 17 F1.6). Real media: 9.64 s of a
 * string orchestra under chaplin.mp4. With fades of 4.8 s in and out the soundtrack misses
 * -14 LUFS by 5 LU; without fades the same piece reaches it, so the fades are the cause, not the
 * track. The truths come from ffmpeg's ebur128 run by the test on the files, not from the export.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { sharedMediaDir, tempDir } from '../../helpers/media';

const execp = promisify(execFile);

/** Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ebur128, of `input` args through the filter `af`. */
async function meter(input: string[], af = 'anull'): Promise<{ i: number; tp: number }> {
  const { stderr } = await execp(ffmpegPath(), ['-hide_banner', '-nostats', ...input, '-map', '0:a:0', '-af', `${af},ebur128=peak=true`, '-f', 'null', '-'], { maxBuffer: 1 << 26 });
  const last = (re: RegExp): number => Number([...stderr.matchAll(re)].at(-1)![1]);
  return { i: last(/^\s*I:\s+(-?[0-9.]+) LUFS/gm), tp: last(/^\s*Peak:\s+(-?[0-9.]+) dBFS/gm) };
}
const ebur128 = async (input: string[], af?: string): Promise<number> => (await meter(input, af)).i;

let tmp: { dir: string; cleanup: () => Promise<void> };
let shared: string | undefined;
beforeAll(async () => {
  tmp = await tempDir('needledrop-export-loudness-');
  shared = await sharedMediaDir();
});
afterAll(() => tmp?.cleanup());

describe('the loudness warning names its cause', () => {
  it('long fades, not the track: named with what they cost; without them no warning and the target is met', async (ctx) => {
    if (!shared) return ctx.skip();
    const clip = join(shared, 'video', 'chaplin.mp4');
    const track = join(shared, 'music', 'Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg');
    const faded = await exportClipWithTrack({ clip, track, offset: 20, fade: 4.8, out: join(tmp.dir, 'faded.mp4') });
    const plain = await exportClipWithTrack({ clip, track, offset: 20, fade: 0, out: join(tmp.dir, 'plain.mp4') });

    // The premise, from the files: faded misses -14 by more than 2 LU, plain does not.
    const fadedLufs = await ebur128(['-i', faded.out]);
    const plainLufs = await ebur128(['-i', plain.out]);
    expect(fadedLufs).toBeLessThan(-16);
    expect(plainLufs).toBeGreaterThanOrEqual(-16);
    expect(plain.warnings.filter((w) => /LUFS/.test(w))).toEqual([]);

    // What the fades take off the heard piece, measured here on the source: unfaded vs faded.
    const a = faded.audible;
    const piece = ['-ss', '20', '-t', a.toFixed(3), '-i', track];
    const cost = (await ebur128(piece)) - (await ebur128(piece, `afade=t=in:st=0:d=${faded.fade},afade=t=out:st=${(a - faded.fade).toFixed(3)}:d=${faded.fade}`));
    const warning = faded.warnings.find((w) => /LUFS/.test(w));
    expect(warning).toBeDefined();
    expect(warning).not.toMatch(/too short or too dynamic/);
    const said = /fades in and out of [0-9.]+ s of music take ([0-9.]+) LU off it/.exec(warning!);
    expect(said, warning).not.toBeNull();
    expect(Math.abs(Number(said![1]) - cost)).toBeLessThanOrEqual(0.3);
  }, 120_000);

  it('under 3 s of music: raised as far as the peaks allow, never made quieter than it was', async (ctx) => {
    if (!shared) return ctx.skip();
    // fire2.mp4 is 2.38 s: loudnorm's dynamic mode (3 s window) wrote it 5.7 LU under the source.
    const clip = join(shared, 'video', 'fire2.mp4');
    const track = join(shared, 'music', 'Kevin_MacLeod_-_Vibe_Ace.ogg');
    const r = await exportClipWithTrack({ clip, track, offset: 0, fade: 0, out: join(tmp.dir, 'short.mp4') });
    const source = await meter(['-ss', '0', '-t', r.audible.toFixed(3), '-i', track]);
    const written = await ebur128(['-i', r.out]);
    // The most a linear gain can give with the true peak at the −1.5 dBTP ceiling (AAC and the two meters: ±1 LU).
    const reachable = source.i + (-1.5 - source.tp);
    expect(reachable).toBeLessThan(-16); // the premise: the target is out of reach here
    expect(written).toBeGreaterThan(source.i);
    expect(Math.abs(written - reachable)).toBeLessThanOrEqual(1);
    expect(r.warnings.find((w) => /LUFS/.test(w))).toMatch(/too short or too dynamic there to raise further without clipping its peaks/);
  }, 120_000);
});
