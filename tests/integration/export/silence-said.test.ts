/**
 * An export longer than its track says where it is silent (review R2.6: the app said nothing of
 * 7:38 of silence after a 2:00 track under a 9:38 clip). One wording (contract/wording.ts
 * exportSilence) for the CLI and the app, and one prediction the app shows before the export
 * (plainExportSpan). Truths from the construction (a 5 s tone under a 9 s clip) and from the
 * written file, decoded: the tone is heard exactly where the words say.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainExportSpan } from '../../../electron/contract/wording';
import { needledrop } from '../../helpers/cli';
import { decodeMono, movingBox, rmsBetween, sine, tempDir } from '../../helpers/media';

const CLIP = 9;
const TRACK = 5;

describe('an export says where it is silent', () => {
  let dir = '';
  let clip = '';
  let track = '';
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-silence-said-'));
    clip = await movingBox(dir, { seconds: CLIP, speed: 40 });
    track = await sine(dir, { seconds: TRACK, freq: 440, name: 'tone.wav' });
  }, 120_000);
  afterAll(() => cleanup());

  const cases: Array<{ name: string; args: string[]; offset: number; start: number; end?: number; said: string; heard: [number, number] }> = [
    // From 1 s of the 5 s tone: 4 s heard, 5 s of silence.
    { name: 'from an offset', args: ['--offset', '1'], offset: 1, start: 0, said: 'the track ends at 4.00 s; 5.00 s of silence after it', heard: [0, 4] },
    // The tone's start at clip 2 s: 2 s of silence, 5 s heard, 2 s of silence.
    { name: 'beginning inside the clip', args: ['--offset', '0', '--start', '2'], offset: 0, start: 2, said: 'silence until the track begins at 2.00 s, the track ends at 7.00 s; 2.00 s of silence after it', heard: [2, 7] },
    // In 2 s, Out 4 s, the tone from 0: heard 2–4 s only, and it is the Out point that stops it (the tone goes on to 5 s):
    // the CLI said "the track ends at 4.00 s" (review S19, the app's line was fixed in 2ba3633).
    { name: 'cut off by the Out point', args: ['--offset', '0', '--start', '2', '--end', '4'], offset: 0, start: 2, end: 4, said: 'silence until the track begins at 2.00 s, the Out point stops the track at 4.00 s; 5.00 s of silence after it', heard: [2, 4] },
  ];

  it.each(cases)('$name: the CLI says it, the app predicts it, the file holds it', async ({ name, args, offset, start, end, said, heard }) => {
    const out = join(dir, `${name.replace(/\W+/g, '-')}.mp4`);
    const r = await needledrop('export', clip, track, ...args, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`LUFS (target -14), ${said})`);
    const result = JSON.parse(r.stdout) as { duration: number; lead: number; audible: number };
    // What the app says before the export: the same span, from the stated lengths.
    const ahead = plainExportSpan(CLIP, TRACK, offset, start, end);
    expect(ahead.lead).toBeCloseTo(result.lead, 2);
    expect(ahead.audible).toBeCloseTo(result.audible, 2);
    expect(ahead.duration).toBeCloseTo(result.duration, 1);
    // The file: the tone inside the span (fades aside), silence outside it.
    const rate = 8000;
    const pcm = await decodeMono(out, rate);
    expect(rmsBetween(pcm, rate, heard[0] + 0.6, heard[1] - 0.6)).toBeGreaterThan(0.05);
    expect(rmsBetween(pcm, rate, heard[1] + 0.1, CLIP - 0.1)).toBeLessThan(1e-3);
    if (heard[0] > 0) expect(rmsBetween(pcm, rate, 0.1, heard[0] - 0.1)).toBeLessThan(1e-3);
  }, 120_000);
});
