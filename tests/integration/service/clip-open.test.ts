/**
 * Review R11: a music file opened as a clip was accepted (a black player, "0 shot cuts"), and only
 * Find music failed later. clip.open refuses it, naming the file; a video still opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-clip-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const shared = resolve(import.meta.dirname, '../../../../shared/media');

describe('clip.open', () => {
  it('refuses a file without a picture (a song, a cover-art mp3) and opens a video', async () => {
    await withEngine(join(tmp, 'data'), { confined: false }, async (engine) => {
      for (const name of ['music/Kevin_MacLeod_-_Vibe_Ace.ogg', 'odd/with-attached-pic.mp3']) {
        const file = join(shared, name);
        await expect(engine.call('clip.open', { path: file })).rejects.toMatchObject({ code: 'bad-input', file, message: `${file}: has no video stream: open a video clip to find music for it (music files belong in the library)` });
      }
      const clip = await engine.call('clip.open', { path: join(shared, 'video', 'chaplin.mp4') });
      expect(clip.width).toBeGreaterThan(0);
    });
  });
});
