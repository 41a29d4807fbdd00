/**
 * A track at exactly 120 BPM through the real decode → extract path. At 25 frames/s its beats are
 * 12.5 frames apart, so when the downbeat falls on a frame, beats 2 and 4 fall between two frames
 * and their onsets split over both: the track read 60 BPM at 3 of 8 start offsets until the
 * metrical level measured onset mass over two frames. The truth is the generator's grid.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import * as gen from '../../helpers/media';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-tempo-phase-'));
});
afterAll(() => cleanup?.());

describe('tempo at any start offset', () => {
  // 0, 40 and 200 ms put the downbeat on a frame; 20 ms puts it between two.
  it.each([0, 0.02, 0.04, 0.2])('reads a 120 BPM track as 120 when its music starts at %f s', async (lead) => {
    const t = synthTrack({ bpm: 120, bars: 8, ending: false, lead, sampleRate: 22050 });
    const file = join(dir, `synth-120-${lead}.wav`);
    writeFileSync(file, wavBytes(t.pcm, t.sampleRate));
    const { summary } = await extractAudioFeatures(file);
    expect(summary.tempo?.bpm).toBeGreaterThan(t.bpm * 0.99);
    expect(summary.tempo?.bpm).toBeLessThan(t.bpm * 1.01);
  }, 60_000);
});
