/**
 * Shot cuts at the clip's own frame rate: a 2 s clip at 20 fps with one hard cut at 1 s reads the
 * cut on its frame at 20 fps; a stream stating no rate, 0 or a negative rate is read at 25 fps and still finds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectShotCuts } from '../../../electron/engine/features/shot-cuts';
import { probe } from '../../../electron/engine/media/probe';
import { hardCuts, tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let clip: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-shot-rate-');
  clip = await hardCuts(tmp.dir, { seconds: 2, cuts: [1], fps: 20, width: 64, height: 36 });
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('shot cuts and the frame rate', () => {
  // Probed inside each test, not in a hook: Stryker counts engine code run in hooks as static.
  it("reads the cut at the clip's own 20 fps", async () => {
    const info = await probe(clip);
    expect(await detectShotCuts(clip, { info })).toEqual({ cuts: [1], fps: 20 });
  });

  it('falls back to 25 fps when the stream states no rate, 0 or a negative one', async () => {
    const info = await probe(clip);
    for (const fps of [undefined, 0, -20]) {
      const streams = info.streams.map((s) => (s.type === 'video' ? { ...s, fps } : s));
      expect(await detectShotCuts(clip, { info: { ...info, streams } }), `fps ${fps}`).toEqual({ cuts: [1], fps: 25 });
    }
  });
});
