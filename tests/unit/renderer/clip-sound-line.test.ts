/**
 * Match's line on the clip's own audio, under the summary, began lowercase ("the clip has its own
 * music: …") between lines that begin with a capital or a figure. Each kind now begins with a capital;
 * the rest is the words the CLI prints (contract soundtrackLine) with how the ranking used the music.
 */
import { describe, expect, it } from 'vitest';
import type { ClipSoundtrack } from '../../../electron/contract/types';
import { clipSoundLine } from '../../../renderer/lib/format';

const weights = 'picture 0.6 + sounds like the temp track 0.4';
const music: ClipSoundtrack = { kind: 'music', seconds: 16, music: 0.91, speech: 0.04, silence: 0.05 };

describe('clipSoundLine', () => {
  it('begins with a capital for every kind', () => {
    const kinds: ClipSoundtrack[] = [music, { ...music, ranked: true }, { kind: 'speech', seconds: 10, music: 0.1, speech: 0.8, silence: 0.1 }, { kind: 'silence', seconds: 10, music: 0, speech: 0, silence: 1 }, { kind: 'none', seconds: 0 }, { kind: 'none', seconds: 0, cause: 'damaged' }];
    for (const s of kinds) expect(clipSoundLine(s, weights, false)).toMatch(/^[A-Z]/);
  });

  it('says how this ranking used the music', () => {
    expect(clipSoundLine(music, weights, false)).toBe('The clip has its own music: 16 s, music share 0.91; not used by this ranking (tick “Also by its own music”)');
    // Sections are ranked by the picture alone: no toggle to point at.
    expect(clipSoundLine(music, weights, true)).toBe('The clip has its own music: 16 s, music share 0.91; not used by this ranking');
    expect(clipSoundLine({ ...music, ranked: true }, weights, false)).toBe(`The clip has its own music: 16 s, music share 0.91; ranked by ${weights}`);
    expect(clipSoundLine({ kind: 'none', seconds: 0 }, weights, false)).toBe('The clip has no audio stream');
  });
});
