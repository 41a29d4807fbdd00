/**
 * Review S12.14: over the confined bridge, `clip.open {path: "relative.mp4"}` was resolved against
 * the engine's own working folder ("/tmp/rev17/relative.mp4: file not found"), while output paths
 * had to be absolute. A confined engine now takes only absolute paths from its front, for what the
 * user chose (a clip, a library folder) and for reads; the CLI's engine still resolves relative ones
 * against its own folder, which is the user's shell's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { withEngine } from '../../helpers/engine';
import { hardCuts } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-confined-relative-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const outcome = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof EngineError ? `${err.code}: ${err.message}` : `not an EngineError: ${String(err)}`;
  }
};
const ABSOLUTE = "a path from the app must be absolute (a relative one would name a file in the engine's own working folder)";

describe('relative paths from a confined front', () => {
  it('clip.open, library.addFolder and a read refuse a relative path, even one naming a real file from the working folder', async () => {
    const clip = await hardCuts(tmp, { seconds: 2, cuts: [1], fps: 25, width: 64, height: 36 });
    // The same real clip, named relative to this process's working folder (the engine's).
    const rel = relative(process.cwd(), clip);
    await withEngine(join(tmp, 'confined'), { confined: true }, async (engine) => {
      expect(await outcome(engine.call('clip.open', { path: rel }))).toBe(`forbidden-path: ${rel}: ${ABSOLUTE}`);
      expect(await outcome(engine.call('library.addFolder', { path: relative(process.cwd(), tmp) }))).toBe(`forbidden-path: ${relative(process.cwd(), tmp)}: ${ABSOLUTE}`);
      expect(await outcome(engine.call('feedback.record', { clip: rel, start: 0, end: 1, trackId: 1, offset: 0, verdict: 'accept' }))).toBe(`forbidden-path: ${rel}: ${ABSOLUTE}`);
      // The absolute path opens.
      expect((await engine.call('clip.open', { path: clip })).path).toBe(clip);
    });
  }, 60_000);

  it("the CLI's engine (unconfined) still resolves a relative path against its working folder", async () => {
    const clip = await hardCuts(tmp, { seconds: 2, cuts: [1], fps: 25, width: 64, height: 36, name: 'cli.mp4' });
    await withEngine(join(tmp, 'cli'), { confined: false }, async (engine) => {
      expect((await engine.call('clip.open', { path: relative(process.cwd(), clip) })).path).toBe(clip);
    });
  }, 60_000);
});
