/** Accepted match feedback as fine-tuning pairs: real clip pictures ↔ a real track's audio descriptors from the offset. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { clipClass } from '../../../electron/engine/train/edits';
import { feedbackPairs, splitOf } from '../../../electron/engine/train/feedback-pairs';

const MEDIA = resolve(__dirname, '../../../../shared/media');
const CLIP = join(MEDIA, 'video', 'big_buck_bunny_0_30.webm');
const TRACK = join(MEDIA, 'music', readdirSync(join(MEDIA, 'music')).find((f) => f.endsWith('.ogg')) as string);
let track: FeatureSeq;

beforeAll(async () => {
  track = (await extractAudioFeatures(TRACK)).seq;
}, 120_000);

describe('feedbackPairs', () => {
  it('an accepted judgement pairs the clip range with the track from the offset; a rejected one gives no pair', async () => {
    const window = 8;
    const offset = 6; // seconds into the track: row 12 at 0.5 s steps
    const r = await feedbackPairs(
      [
        { clipPath: CLIP, clipStart: 2, clipEnd: 12, trackId: 1, offset, verdict: 'accept' },
        { clipPath: CLIP, clipStart: 2, clipEnd: 12, trackId: 1, offset: 30, verdict: 'reject' },
      ],
      (id) => (id === 1 ? track : undefined),
      { window, hop: 2 },
    );
    expect(r.accepted).toBe(1);
    expect(r.rejected).toBe(1);
    // 10 s of clip = 20 steps: windows start at 0, 2, …, 12 → 7 pairs, all of the clip's class and one split.
    expect(r.pairs.length).toBe(7);
    expect(new Set(r.pairs.map((p) => p.classId))).toEqual(new Set([clipClass(CLIP)]));
    expect(new Set(r.pairs.map((p) => p.split)).size).toBe(1);
    // Window k's audio is the track's rows from offset/step + k·hop on, row for row.
    const first = Math.round(offset / track.step);
    for (const [k, p] of r.pairs.entries()) {
      const rows = track.data.subarray((first + 2 * k) * track.D, (first + 2 * k + window) * track.D);
      expect(Array.from(p.audio.segments.data)).toEqual(Array.from(rows));
      expect(p.video.segments.n).toBe(1);
      expect(p.video.segments.starts[0]).toBeCloseTo(2 + k, 5);
    }
  }, 120_000);

  it('a track without stored descriptors is skipped with the reason', async () => {
    const r = await feedbackPairs([{ clipPath: CLIP, clipStart: 0, clipEnd: 8, trackId: 7, offset: 0, verdict: 'accept' }], () => undefined, { window: 8, hop: 2 });
    expect(r.pairs).toEqual([]);
    expect(r.skipped[0].reason).toMatch(/no stored audio descriptors/);
  });

  it('two tracks accepted for one clip are one class (the clip), each window naming its track as its music', async () => {
    const rows = [
      { clipPath: CLIP, clipStart: 0, clipEnd: 6, trackId: 1, offset: 0, verdict: 'accept' as const },
      { clipPath: CLIP, clipStart: 0, clipEnd: 6, trackId: 2, offset: 10, verdict: 'accept' as const },
    ];
    const r = await feedbackPairs(rows, (id) => (id <= 2 ? track : undefined), { window: 8, hop: 2 });
    // 6 s = 12 steps: windows at 0, 2, 4 → 3 per judgement.
    expect(r.pairs.length).toBe(6);
    expect(new Set(r.pairs.map((p) => p.classId))).toEqual(new Set([clipClass(CLIP)]));
    expect(r.pairs.map((p) => p.musicSource)).toEqual(['track 1', 'track 1', 'track 1', 'track 2', 'track 2', 'track 2']);
    expect(new Set(r.pairs.map((p) => p.id))).toEqual(new Set([CLIP]));
    // A clip whose split is decided (an edit's) keeps it, whatever its own hash says.
    const other = splitOf(CLIP) === 'train' ? 'val' : 'train';
    const kept = await feedbackPairs(rows.slice(0, 1), () => track, { window: 8, hop: 2, splits: new Map([[CLIP, other]]) });
    expect(new Set(kept.pairs.map((p) => p.split))).toEqual(new Set([other]));
  }, 120_000);

  it('a range or offset that cannot be is skipped as a bad range or offset, not as an unreadable clip', async () => {
    const trackEnd = track.start + track.T * track.step;
    const r = await feedbackPairs(
      [
        { clipPath: CLIP, clipStart: 50, clipEnd: 2, trackId: 1, offset: 0, verdict: 'accept' },
        { clipPath: CLIP, clipStart: 40, clipEnd: null, trackId: 1, offset: 0, verdict: 'accept' },
        { clipPath: CLIP, clipStart: 0, clipEnd: 8, trackId: 1, offset: trackEnd + 1, verdict: 'accept' },
        { clipPath: join(MEDIA, 'video', 'no-such-clip.mp4'), clipStart: 0, clipEnd: 8, trackId: 1, offset: 0, verdict: 'accept' },
      ],
      () => track,
      { window: 8, hop: 2 },
    );
    expect(r.pairs).toEqual([]);
    expect(r.skipped.map((s) => s.reason.split(':')[0])).toEqual(['bad range', 'bad range', 'bad offset', 'clip unreadable (' + join(MEDIA, 'video', 'no-such-clip.mp4')]);
    expect(r.skipped[0].reason).toMatch(/ends at 2 s, not after its start 50 s/);
    // big_buck_bunny_0_30 lasts 30 s: a range from 40 s starts past it.
    expect(r.skipped[1].reason).toMatch(/starts at 40 s, at or past the clip's end \(30\.\d\d s\)/);
  }, 120_000);
});
