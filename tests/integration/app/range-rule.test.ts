/**
 * One rule for a clip range in match, fit and export (review R2.3), and the range named as the cause
 * when it leaves nothing to decode (review R2.4). On a real clip (chaplin.mp4, 9.64 s of picture at
 * 25 fps, its audio 9.614 s), through the real CLI. The truths are ffprobe's stream durations, read
 * here independently of the engine's probe: an Out point at the picture's end, within the slack
 * past it (taken as the end), just past the slack and far past it; a start past the end; a range in
 * the last frame. match clamped --end 100 to 9.64 silently while fit and export refused it, and
 * refused only --start 20; a start in the last frame read "no video frames could be decoded".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { END_SLACK } from '../../../electron/contract/clip-range';
import { needledrop } from '../../helpers/cli';
import { musicLike, sharedMediaDir } from '../../helpers/media';
import { indexedCatalog, MODEL, tempDir } from './fixture';

const media = await sharedMediaDir();

/** A stream's own duration by ffprobe (v:0 or a:0). */
function streamSeconds(file: string, stream: 'v:0' | 'a:0'): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'stream=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(out.trim());
}

describe.skipIf(!media)('one rule for a clip range in match, fit and export (review R2.3, R2.4)', () => {
  const clip = join(media ?? '', 'video', 'chaplin.mp4');
  const track = join(media ?? '', 'music', 'Kevin_MacLeod_-_Vibe_Ace.ogg');
  let root: string;
  let dbPath: string;
  let picture: number;

  beforeAll(async () => {
    picture = streamSeconds(clip, 'v:0');
    expect(picture).toBeCloseTo(9.64, 3);
    root = tempDir('range-rule');
    const music = join(root, 'music');
    mkdirSync(music);
    for (const [i, bpm] of [100, 128].entries()) await musicLike(music, { seconds: 20, bpm, name: `t${i}.m4a` });
    dbPath = await indexedCatalog(join(root, 'catalog.sqlite'), [music]);
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const matchArgs = (...range: string[]): string[] => ['match', clip, ...range, '--db', dbPath, '--model', MODEL, '--provider', 'cpu', '--top', '1', '--json'];
  const commands = {
    match: (...range: string[]) => needledrop(...matchArgs(...range)),
    fit: (...range: string[]) => needledrop('fit', clip, track, ...range, '--json'),
    export: (...range: string[]) => needledrop('export', clip, track, '--fit', ...range, '--out', join(root, `out-${Math.random().toString(36).slice(2)}.mp4`), '--json'),
  };
  const pastEnd = (end: string): string => `${clip}: the range's end (${end} s) is past the video's end (${picture.toFixed(3)} s); end it at ${picture.toFixed(3)} s or before`;

  it.each(Object.keys(commands) as Array<keyof typeof commands>)('%s: an end past the picture (beyond the slack) is refused in the same words; a start past it too', async (name) => {
    const justPast = String(Math.round((picture + END_SLACK + 0.01) * 100) / 100);
    for (const end of [justPast, '100']) {
      const r = await commands[name]('--start', '2', '--end', end);
      expect(r.code, `${name} --end ${end}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(pastEnd(end));
      expect(r.stdout).toBe('');
    }
    const late = await commands[name]('--start', '20', ...(name === 'match' ? [] : ['--end', '30']));
    expect(late.code, late.stderr).toBe(1);
    expect(late.stderr).toContain(`${clip}: the range's start (20 s) is at or past the video's end (${picture.toFixed(3)} s); start it before ${picture.toFixed(3)} s`);
  }, 300_000);

  it('an end at the picture’s end, or within the slack past it, is the picture’s end in all three', async () => {
    for (const end of [picture.toFixed(2), (picture + END_SLACK - 0.01).toFixed(2)]) {
      const m = await commands.match('--start', '2', '--end', end);
      expect(m.code, m.stderr).toBe(0);
      const ranked = (JSON.parse(m.stdout) as { clips: Array<{ start: number; end: number }> }).clips[0];
      expect(ranked.end).toBeCloseTo(picture, 3);
      const f = await commands.fit('--start', '2', '--end', end);
      expect(f.code, f.stderr).toBe(0);
      expect((JSON.parse(f.stdout) as { target: number }).target).toBeCloseTo(picture - 2, 3);
    }
    const e = await commands.export('--start', '2', '--end', (picture + END_SLACK - 0.01).toFixed(2));
    expect(e.code, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { fit: { target: number } }).fit.target).toBeCloseTo(picture - 2, 3);
  }, 300_000);

  it('a range in the last frame names the range, not "no video frames could be decoded" (match, fit, export, features)', async () => {
    const lastFrame = `the range 9.630–${picture.toFixed(3)} s lasts ${(picture - 9.63).toFixed(3)} s, less than one frame of the video (0.040 s at 25 fps); choose a longer range`;
    for (const name of ['match', 'fit', 'export'] as const) {
      const r = await commands[name]('--start', '9.63');
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`${clip}: ${lastFrame}`);
      expect(r.stderr).not.toContain('could be decoded');
    }
    // A range the model cannot judge that the file's end makes so: the minimum's words, before any decoding.
    const tail = await commands.match('--start', '9.5');
    expect(tail.code).toBe(1);
    expect(tail.stderr).toContain(`${clip}: the range 9.500–${picture.toFixed(3)} s lasts ${(picture - 9.5).toFixed(2)} s, too short to match`);
    // features: the video analysis samples 10 frames a second; the audio stream ends before the picture.
    const video = await needledrop('features', clip, '--start', '9.63', '--video', '--json');
    expect(video.code).toBe(1);
    expect(video.stderr).toContain(`${clip}: the range 9.630–${picture.toFixed(3)} s lasts ${(picture - 9.63).toFixed(3)} s, less than one frame of the video analysis (0.100 s)`);
    const audioEnd = streamSeconds(clip, 'a:0');
    expect(audioEnd).toBeLessThan(9.63);
    const audio = await needledrop('features', clip, '--start', '9.63', '--audio', '--json');
    expect(audio.code).toBe(1);
    expect(audio.stderr).toContain(`${clip}: the range starts at 9.63 s, at or past the end of the audio (${audioEnd.toFixed(3)} s)`);
    const blink = await needledrop('features', clip, '--start', '1', '--duration', '0.001', '--audio', '--json');
    expect(blink.code).toBe(1);
    expect(blink.stderr).toContain(`${clip}: the range 1.000–1.001 s lasts 0.001 s, less than one hop of the audio analysis (0.040 s)`);
  }, 300_000);
});
