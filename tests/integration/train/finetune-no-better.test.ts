/**
 * Review R1.6 end to end on real media: a fine-tune worse than its parent was saved and, with
 * "Activate when done" / --activate, made active without a word. Here a run that wrecks every layer
 * (lr 0.5, no anchor) either keeps the parent's weights (no step beat it on the held-out edits) or
 * keeps a wrecked step whose base benchmark Recall@1 falls far past the allowed margin (measured
 * here, parent 0.7 on 24 pairs): either way `noBetter` says why and the version is not activated
 * although asked, and the active pointer stays on base. The held-out windows are said to have
 * chosen the step. Edits: chaplin and the SMPTE pattern of shared/media and three 10 s pieces of its
 * Big Buck Bunny clip (5 usable edits: at least 2 held out).
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeModel } from '../../../electron/engine/models/registry';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';
import { finetuneOnEdits, type FinetuneDirs, type FinetuneOutcome } from '../../../electron/engine/train/finetune';
import { REPO_ROOT } from '../../helpers/cli';
import { ffmpeg, sharedMediaDir, tempDir } from '../../helpers/media';

const media = await sharedMediaDir();
const hasBase = existsSync(join(REPO_ROOT, 'models/base/model.json'));

describe.skipIf(!media || !hasBase)('a fine-tune no better than its parent (review R1.6)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let dirs: FinetuneDirs;
  let out: FinetuneOutcome;
  const job = { signal: new AbortController().signal, progress: () => {} };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-no-better-'));
    const home = join(dir, 'home');
    const edits = join(dir, 'edits');
    mkdirSync(edits, { recursive: true });
    const video = join(media as string, 'video');
    for (const f of ['chaplin.mp4', 'smpte-2997.mp4']) symlinkSync(join(video, f), join(edits, f));
    for (const [i, name] of ['bunny-a.webm', 'bunny-b.webm', 'bunny-c.webm'].entries()) {
      await ffmpeg(['-ss', String(10 * i), '-t', '10', '-i', join(video, 'big_buck_bunny_0_30.webm'), '-vf', 'scale=160:-2', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '16', '-b:v', '300k', '-c:a', 'libvorbis'], join(edits, name));
    }
    const ctx = contextFromEnv({}, { dataDir: home, threads: 1 });
    dirs = { registry: registryOptions(ctx), userModelsDir: join(home, 'models'), checkpointsDir: join(home, 'checkpoints'), cacheDir: join(home, 'edit-features'), benchmarkDir: join(home, 'base-benchmark') };
    out = await finetuneOnEdits({ videos: edits, version: 'wrecked', steps: 10, lr: 0.5, anchor: 0, headsOnly: false, activate: true }, dirs, job);
  }, 600_000);
  afterAll(() => cleanup?.());

  it('says why it is no better than its parent and is not activated although asked', async () => {
    expect(out.heldOut.reason).toBeNull();
    if (out.heldOut.reason !== null || !out.base) throw new Error('not compared');
    const fall = out.base.before.videoToMusic.recall1 - out.base.after.videoToMusic.recall1;
    if (out.bestStep === 0) {
      expect(out.noBetter).toMatch(/^no step beat the parent \(base\) on the held-out edits, so this version keeps the parent's weights/);
      // The kept weights are the parent's: the same figures before and after (ONNX vs TF.js, parity 1e-4).
      for (const side of ['videoToMusic', 'musicToVideo'] as const) {
        for (const k of ['recall1', 'mapAtR', 'mrr', 'medianRank'] as const) expect(out.heldOut.after[side][k], `${side} ${k}`).toBeCloseTo(out.heldOut.before[side][k] as number, 3);
      }
    } else {
      expect(fall).toBeGreaterThan(0.125);
      expect(out.noBetter).toContain(`its base benchmark Recall@1 fell from ${out.base.before.videoToMusic.recall1.toFixed(3)} to ${out.base.after.videoToMusic.recall1.toFixed(3)}, more than the 0.125 allowed`);
    }
    expect(out.activated).toBe(false);
    expect(await activeModel(dirs.registry)).toBe('base');
    // All compared windows also chose the step (no calibration share under 20 sources), and a note says so.
    expect(out.heldOut.selectedOn).toBe(out.heldOut.windows);
    expect(out.notes.some((n) => n.startsWith('these held-out windows also chose the kept step'))).toBe(true);
  });
});
