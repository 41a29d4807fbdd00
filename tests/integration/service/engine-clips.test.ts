/**
 * An engine over an empty catalog, with clips made by ffmpeg here (their sizes, lengths and cuts
 * are known by construction): opening a clip reports what the file holds (a file with no picture,
 * a sound file or cover art, is refused), a shot-cut job reports its progress in seconds of the clip, and a job the
 * user cancels ends as cancelled.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent, ProgressEvent } from '../../../electron/contract/types';
import type { Engine } from '../../../electron/engine/service';
import { withEngine } from '../../helpers/engine';
import { jobEndOf } from '../../helpers/job-end';
import { ffmpeg, hardCuts, sharedMediaDir, sine } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-engine-clips-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An engine over an empty catalog of its own (`name`), confined as the app's is. */
const engineIn = (name: string, body: (engine: Engine, events: EngineEvent[]) => Promise<void>): Promise<void> => withEngine(join(tmp, name), { confined: true }, body);


describe('clip.open', () => {
  // Review R11: a file without a picture opened as a black "clip" that failed only at Find music; it is refused at open.
  const noPicture = (file: string) => ({ code: 'bad-input', file, message: `${file}: has no video stream: open a video clip to find music for it (music files belong in the library)` });

  it('a video: its size and frame rate; a sound file is refused, naming it', async () => {
    await engineIn('open', async (engine) => {
      const video = await hardCuts(tmp, { seconds: 2, width: 64, height: 36, fps: 25, cuts: [1], name: 'open.mp4' });
      expect(await engine.call('clip.open', { path: video })).toMatchObject({ path: video, width: 64, height: 36, rotation: 0, fps: 25, hasAudio: false });
      const sound = await sine(tmp, { seconds: 1, freq: 440, name: 'tone.wav' });
      await expect(engine.call('clip.open', { path: sound })).rejects.toMatchObject(noPicture(sound));
    });
  });

  // Review R2.7: a portrait phone clip (coded landscape, turned by its display matrix) read 1280×720 on the Match screen.
  it('a rotated video: the size as the picture is shown, and the rotation', async () => {
    await engineIn('rotated', async (engine) => {
      const coded = await hardCuts(tmp, { seconds: 2, width: 64, height: 36, fps: 25, cuts: [1], name: 'coded.mp4' });
      for (const [rotate, shown] of [[90, [36, 64]], [180, [64, 36]], [270, [36, 64]]] as const) {
        const turned = await ffmpeg(['-i', coded, '-c', 'copy', '-metadata:s:v:0', `rotate=${rotate}`], join(tmp, `rotated-${rotate}.mp4`));
        // ffprobe's display matrix turns counter-clockwise (ffmpeg 5.1 writes rotate=90 as 90 there); the clip's rotation is clockwise.
        const ccw = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-of', 'json', turned]).toString()).streams[0].side_data_list[0].rotation as number;
        expect(await engine.call('clip.open', { path: turned })).toMatchObject({ width: shown[0], height: shown[1], rotation: (360 - ccw) % 360 });
      }
    });
  });

  it('an MP3 whose only picture is cover art has no video: refused too', async () => {
    const media = await sharedMediaDir();
    if (!media) return;
    await engineIn('cover', async (engine) => {
      const mp3 = join(media, 'odd', 'with-attached-pic.mp3');
      await expect(engine.call('clip.open', { path: mp3 })).rejects.toMatchObject(noPicture(mp3));
    });
  });
});

describe('clip.cuts as a job', () => {
  it('reports progress in whole seconds of the clip out of its length, and finds the cuts made', async () => {
    await engineIn('cuts', async (engine, events) => {
      const video = await hardCuts(tmp, { seconds: 6, width: 160, height: 90, fps: 25, cuts: [2, 4], name: 'cuts6.mp4' });
      const { id } = await engine.call('clip.open', { path: video });
      const { jobId } = await engine.start('clip.cuts', { id });
      const end = await jobEndOf(events, jobId);
      expect(end.state).toBe('done');
      const result = end.result as { cuts: number[]; fps: number };
      expect(result.cuts.map((c) => Math.round(c * 10) / 10)).toEqual([2, 4]);
      const progress = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.jobId === jobId && e.phase === 'cuts');
      // Reports come at whole seconds of video (frames 0, 25, …, 125; the runner may skip some): seconds 0–5 of 6.
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[0].done).toBe(0);
      for (const p of progress) {
        expect(p.total).toBe(6);
        expect([0, 1, 2, 3, 4, 5]).toContain(p.done);
      }
    });
  });

  it('a cancelled job ends as cancelled', async () => {
    await engineIn('cancel', async (engine, events) => {
      const video = await hardCuts(tmp, { seconds: 20, width: 64, height: 36, fps: 25, cuts: [5, 10, 15], name: 'cuts20.mp4' });
      const { id } = await engine.call('clip.open', { path: video });
      const { jobId } = await engine.start('clip.cuts', { id });
      await engine.cancel(jobId);
      expect((await jobEndOf(events, jobId)).state).toBe('cancelled');
    });
  });
});
