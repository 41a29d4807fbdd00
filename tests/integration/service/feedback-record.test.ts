/**
 * Review S5 (validation gap): feedback.record stored a judgement of /etc/passwd (not opened, outside
 * the library, in the confined bridge), a range from 50 s to 2 s and an offset of 5000 s into a
 * 2-minute track; fine-tuning skipped them much later. Now each is refused when recorded with the
 * contract's code, naming the file and the cause. Real engine, real scan, real probe; the truths
 * are the files this test made (a 4 s clip, a 6 s track) and the paths it chose.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ErrorData } from '../../../electron/contract/errors';
import type { Engine } from '../../../electron/engine/service';
import { toErrorData } from '../../../electron/engine/service/errors';
import { withEngine } from '../../helpers/engine';
import { sine, solidVideo, textFile } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-feedback-record-'));
const lib = join(tmp, 'lib');
const clips = join(tmp, 'clips');
const CLIP_SECONDS = 4;
const TRACK_SECONDS = 6;
let clip = '';
let track = '';
let notes = '';
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(lib, { recursive: true });
  mkdirSync(clips, { recursive: true });
  track = await sine(lib, { seconds: TRACK_SECONDS, freq: 440, name: 'tone.wav' });
  clip = await solidVideo(clips, { seconds: CLIP_SECONDS, color: 'red', name: 'clip.mp4' });
  notes = await textFile(clips);
}, 60_000);

/** What a front receives for a call that must fail: the error as data (its contract code, file, message). */
async function refusal(call: Promise<unknown>): Promise<ErrorData> {
  try {
    await call;
  } catch (err) {
    return toErrorData(err);
  }
  throw new Error('the call succeeded');
}

/** The library's one track, scanned; its id. */
async function trackId(engine: Engine): Promise<number> {
  await engine.call('library.addFolder', { path: lib });
  expect((await runJob(engine, 'library.scan', { jobs: 1 })).indexed).toBe(1);
  return (await engine.call('tracks.list', { limit: 10 })).tracks[0].id;
}

describe('feedback.record checks the judgement before storing it', () => {
  it('refuses what cannot be judged, naming the file and the cause, and stores a sound one', async () => {
    await withEngine(join(tmp, 'open'), { confined: false }, async (engine) => {
      const id = await trackId(engine);
      const judge = (o: { clip?: string; start?: number; end?: number; trackId?: number; offset?: number }) =>
        engine.call('feedback.record', { clip: o.clip ?? clip, trackId: o.trackId ?? id, offset: o.offset ?? 0, verdict: 'accept', ...(o.start !== undefined ? { start: o.start } : {}), ...(o.end !== undefined ? { end: o.end } : {}) });
      // Not media, missing, not a video (the library's own track).
      expect(await refusal(judge({ clip: notes }))).toMatchObject({ code: 'bad-input', file: notes });
      expect(await refusal(judge({ clip: join(clips, 'gone.mp4') }))).toMatchObject({ code: 'bad-input', message: expect.stringContaining(join(clips, 'gone.mp4')) });
      expect(await refusal(judge({ clip: track }))).toMatchObject({ code: 'bad-input', message: `${track}: has no video stream: feedback judges a track under a video clip` });
      // Ranges: end before start, start past the 4 s clip, end well past it.
      expect(await refusal(judge({ start: 50, end: 2 }))).toMatchObject({ code: 'invalid-request', message: expect.stringContaining('ends at 2 s, not after its start 50 s') });
      expect(await refusal(judge({ start: 5 }))).toMatchObject({ code: 'bad-input', file: clip, message: expect.stringMatching(/starts at 5 s, at or past the clip's end \(4\.\d\d s\)/) });
      expect(await refusal(judge({ start: 1, end: 9 }))).toMatchObject({ code: 'bad-input', file: clip, message: expect.stringContaining('ends at 9 s, past the clip') });
      // Offsets at and past the 6 s track's end; an unknown track.
      expect(await refusal(judge({ offset: 5000 }))).toMatchObject({ code: 'bad-input', file: track, message: expect.stringMatching(/offset 5000 s is at or past the track's end \(6\.\d\d s\)/) });
      expect(await refusal(judge({ offset: TRACK_SECONDS + 0.01 }))).toMatchObject({ code: 'bad-input', file: track });
      expect(await refusal(judge({ trackId: id + 100 }))).toMatchObject({ code: 'not-found' });
      expect(await engine.call('feedback.list')).toEqual([]);

      // Sound ones are stored; an end on the 0.5 s grid just past the last frame is stored as the clip's end.
      await judge({ start: 1, end: 3, offset: TRACK_SECONDS - 1 });
      await judge({ start: 0, end: CLIP_SECONDS + 0.3 });
      const stored = await engine.call('feedback.list');
      expect(stored.map((f) => [f.clipPath, f.clipStart, f.trackId, f.offset])).toEqual([
        [clip, 1, id, TRACK_SECONDS - 1],
        [clip, 0, id, 0],
      ]);
      expect(stored[0].clipEnd).toBe(3);
      expect(stored[1].clipEnd).toBeCloseTo(CLIP_SECONDS, 1);
      expect(stored[1].clipEnd).toBeLessThanOrEqual(CLIP_SECONDS + 0.05);
    });
  }, 120_000);

  it('in the confined bridge, judges only clips the user opened or ones under the library', async () => {
    await withEngine(join(tmp, 'confined'), { confined: true }, async (engine) => {
      const id = await trackId(engine);
      const judge = (file: string) => engine.call('feedback.record', { clip: file, trackId: id, offset: 0, verdict: 'reject' });
      expect(await refusal(judge('/etc/passwd'))).toMatchObject({ code: 'forbidden-path', file: '/etc/passwd' });
      expect(await refusal(judge(clip))).toMatchObject({ code: 'forbidden-path', file: clip });
      await engine.call('clip.open', { path: clip });
      await judge(clip);
      expect((await engine.call('feedback.list')).map((f) => f.clipPath)).toEqual([clip]);
    });
  }, 120_000);
});
