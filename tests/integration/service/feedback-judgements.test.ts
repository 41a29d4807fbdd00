/**
 * Review R2.10: a changed verdict was stored as a second, contradictory row and fine-tuning trained
 * on every row (the same pair a positive and a negative, or counted twice), and nothing could take
 * a verdict back. Through the app's operations (confined engine, the clip opened): a sequence of
 * records and a withdraw, then the pairs fine-tuning builds from the catalog (the engine's own
 * inputs: listFeedback, the tracks' stored audio) are those of the judgements the sequence leaves,
 * computed here from the tracks' stored descriptors row by row.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { listFeedback } from '../../../electron/engine/catalog/feedback';
import { feedbackPairs } from '../../../electron/engine/train/feedback-pairs';
import { withEngine } from '../../helpers/engine';
import { clickTrack, sine, solidVideo } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-feedback-judgements-'));
const lib = join(tmp, 'lib');
const clips = join(tmp, 'clips');
let clip = '';
let trackA = '';
let trackB = '';
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(lib, { recursive: true });
  mkdirSync(clips, { recursive: true });
  trackA = await clickTrack(lib, { seconds: 20, bpm: 120, name: 'a-clicks.wav' });
  trackB = await sine(lib, { seconds: 20, freq: 330, name: 'b-tone.wav' });
  clip = await solidVideo(clips, { seconds: 10, color: 'blue', name: 'clip.mp4' });
}, 60_000);

describe('one judgement per clip range × track', () => {
  it('record, record again, withdraw: fine-tuning gets exactly the pairs of the judgements left', async () => {
    await withEngine(join(tmp, 'data'), { confined: true }, async (engine) => {
      await engine.call('library.addFolder', { path: lib });
      expect((await runJob(engine, 'library.scan', { jobs: 1 })).indexed).toBe(2);
      const { tracks } = await engine.call('tracks.list', { limit: 10 });
      const a = tracks.find((t) => t.path === trackA)!.id;
      const b = tracks.find((t) => t.path === trackB)!.id;
      await engine.call('clip.open', { path: clip });
      const range = { clip, start: 0, end: 8 };
      const record = (trackId: number, offset: number, verdict: 'accept' | 'reject', r = range) => engine.call('feedback.record', { ...r, trackId, offset, verdict });

      await record(a, 1, 'accept');
      await record(a, 2, 'reject'); // second thoughts, at another offset: replaces the accept
      await record(b, 0, 'accept');
      await record(b, 0, 'accept'); // Enter pressed twice: still one
      await record(a, 3, 'accept', { clip, start: 2, end: 8 }); // another range: another judgement…
      expect((await engine.call('feedback.list')).map((f) => [f.trackId, f.clipStart, f.offset, f.verdict])).toEqual([
        [a, 0, 2, 'reject'],
        [b, 0, 0, 'accept'],
        [a, 2, 3, 'accept'],
      ]);
      // …withdrawn by its range and track; withdrawing it again finds nothing.
      const gone = await engine.call('feedback.withdraw', { clip, start: 2, end: 8, trackId: a });
      expect(gone.withdrawn).toMatchObject({ trackId: a, clipStart: 2, clipEnd: 8, offset: 3, verdict: 'accept' });
      expect((await engine.call('feedback.withdraw', { clip, start: 2, end: 8, trackId: a })).withdrawn).toBeNull();
      // A clip the user never opened cannot be named in the confined engine.
      await expect(engine.call('feedback.withdraw', { clip: '/etc/passwd', trackId: a })).rejects.toMatchObject({ code: 'forbidden-path' });

      const db = openCatalog(join(tmp, 'data', 'catalog.sqlite'), { readonly: true });
      try {
        const window = 8;
        const hop = 2;
        const got = await feedbackPairs(listFeedback(db), (id) => getFeatures(db, id, 'audio'), { window, hop });
        expect([got.accepted, got.rejected, got.skipped]).toEqual([1, 1, []]);
        // 8 s of clip at 0.5 s steps = 16 steps: windows at 0, 2, 4, 6, 8.
        const windows = [0, 2, 4, 6, 8];
        const rowsOf = (id: number, offset: number, k: number) => {
          const seq = getFeatures(db, id, 'audio')!;
          const first = Math.round((offset - seq.start) / seq.step) + k;
          return Array.from(seq.data.subarray(first * seq.D, (first + window) * seq.D));
        };
        // Positives: B accepted from 0 s; negatives: A rejected from 2 s. Nothing of A's accepts.
        expect(got.pairs.map((p) => p.musicSource)).toEqual(windows.map(() => `track ${b}`));
        expect(got.negatives.map((p) => p.musicSource)).toEqual(windows.map(() => `track ${a}`));
        got.pairs.forEach((p, i) => expect(Array.from(p.audio.segments.data)).toEqual(rowsOf(b, 0, windows[i])));
        got.negatives.forEach((p, i) => expect(Array.from(p.audio.segments.data)).toEqual(rowsOf(a, 2, windows[i])));
      } finally {
        db.close();
      }
    });
  }, 180_000);
});
