/**
 * Review R1.3: a judgement that gives no training window is skipped naming what is short. A 5 s
 * trumpet rejected from 0.2 s under a 30 s clip read "shorter than one window (11 of 16 steps)",
 * blaming the clip. Real descriptors of the shared recordings and clip; the lengths compared with
 * ffprobe's (the descriptor rows end within one 0.5 s step of the file's end).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { feedbackPairs, type FeedbackJudgement } from '../../../electron/engine/train/feedback-pairs';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const seconds = (file: string): number => Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }));

describe.skipIf(!media)('what a skipped judgement says is short', () => {
  it('a track too short from its offset: the track named (title and file as given) and said to be the short one; a short clip range: the range', async () => {
    const trumpet = join(media as string, 'music', 'sorohanro_-_solo-trumpet-06.ogg');
    const drums = join(media as string, 'music', 'admiralbob77_-_Choice_-_Drum-bass.ogg');
    const clip = join(media as string, 'video', 'big_buck_bunny_0_30.webm');
    const audio = new Map<number, FeatureSeq>([
      [12, (await extractAudioFeatures(trumpet)).seq],
      [9, (await extractAudioFeatures(drums)).seq],
    ]);
    const rows: FeedbackJudgement[] = [
      { clipPath: clip, trackId: 12, offset: 0.2, verdict: 'reject' },
      { clipPath: clip, clipStart: 3, clipEnd: 7, trackId: 9, offset: 0, verdict: 'accept' },
    ];
    const names = new Map([[12, 'sorohanro_-_solo-trumpet-06.ogg']]);
    const out = await feedbackPairs(rows, (id) => audio.get(id), { window: 16, hop: 2, trackName: (id) => names.get(id) });
    expect(out.pairs).toEqual([]);
    expect(out.negatives).toEqual([]);
    expect(out.skipped.map((s) => s.file)).toEqual([`${clip} (track 12 at 0.2 s)`, `${clip} (track 9 at 0.0 s)`]);
    const track = /^the track is too short: track 12 \(sorohanro_-_solo-trumpet-06\.ogg\) has (\d+\.\d) s from its offset 0\.2 s, fewer than one 8\.0 s window, so this judgement cannot train$/.exec(out.skipped[0].reason);
    expect(track, out.skipped[0].reason).not.toBeNull();
    expect(Math.abs(Number(track?.[1]) - (seconds(trumpet) - 0.2))).toBeLessThanOrEqual(0.5);
    expect(out.skipped[0].reason).not.toMatch(/clip/);
    // 3 s to 7 s of the clip: 4 s of pictures (within a step), the track long enough.
    const range = /^the clip range is too short: (\d+\.\d) s of pictures, fewer than one 8\.0 s window, so this judgement cannot train$/.exec(out.skipped[1].reason);
    expect(range, out.skipped[1].reason).not.toBeNull();
    expect(Math.abs(Number(range?.[1]) - 4)).toBeLessThanOrEqual(0.5);
  }, 120_000);
});
