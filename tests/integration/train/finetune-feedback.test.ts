/** Accepted match feedback as fine-tuning pairs: real clip pictures ↔ a real track's audio descriptors from the offset. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { feedbackPairs } from '../../../electron/engine/train/feedback-pairs';

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
      { window, hop: 2, firstClass: 100 },
    );
    expect(r.accepted).toBe(1);
    expect(r.rejected).toBe(1);
    // 10 s of clip = 20 steps: windows start at 0, 2, …, 12 → 7 pairs, all of the judgement's class and one split.
    expect(r.pairs.length).toBe(7);
    expect(new Set(r.pairs.map((p) => p.classId))).toEqual(new Set([100]));
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
    const r = await feedbackPairs([{ clipPath: CLIP, clipStart: 0, clipEnd: 8, trackId: 7, offset: 0, verdict: 'accept' }], () => undefined, { window: 8, hop: 2, firstClass: 0 });
    expect(r.pairs).toEqual([]);
    expect(r.skipped[0].reason).toMatch(/no stored audio descriptors/);
  });
});
