/**
 * Fine-tuning on finished edits, end to end through the Engine on the real clips of shared/media
 * (videos with their own sound) plus two made here: a silent one and one of speech-like noise bursts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBaseBenchmark } from '../../helpers/base-benchmark';
import { cliArgv } from '../../helpers/cli';
import { runJob } from '../../../electron/contract/api';
import type { FinetuneResult } from '../../../electron/contract/types';
import { BASE_BENCHMARK } from '../../../electron/engine/train/base-benchmark';
import { bySplit, loadTrainingData } from '../../../electron/engine/train/dataset';
import { evaluateEmbedder } from '../../../electron/engine/train/eval';
import { loadEditPairs } from '../../../electron/engine/train/edits';
import { onnxEmbedder } from '../../../electron/engine/train/export';
import { loadModel } from '../../../electron/engine/models/registry';
import { Engine } from '../../../electron/engine/service/engine';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';

const REPO = resolve(__dirname, '../../..');
const MEDIA_VIDEO = resolve(REPO, '../shared/media/video');
const root = mkdtempSync(join(tmpdir(), 'nd-finetune-'));
const home = join(root, 'home');
const videos = join(root, 'edits');
let engine: Engine;
let result: FinetuneResult;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

beforeAll(async () => {
  mkdirSync(videos, { recursive: true });
  for (const f of readdirSync(MEDIA_VIDEO)) symlinkSync(join(MEDIA_VIDEO, f), join(videos, f));
  const picture = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=12'];
  ffmpeg([...picture, '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '12', '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', join(videos, 'silent.mp4')]);
  // Speech-like: band-passed noise in ~8 syllables a second, grouped in phrases with pauses.
  ffmpeg([
    ...picture,
    '-f', 'lavfi', '-i', 'anoisesrc=r=44100:a=0.5:c=pink:s=12:d=12',
    '-af', "bandpass=f=800:width_type=h:w=1200,volume='if(lt(mod(t\\,0.25)\\,0.13)\\,1\\,0.02)*if(lt(mod(t\\,2.3)\\,1.5)\\,1\\,0.01)':eval=frame",
    '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', join(videos, 'speechlike.mp4'),
  ]);
  // The base benchmark rendered once per test run, as finetune-held-out-edits does: what is checked here is the fine-tune's use of it, not its first render.
  await seedBaseBenchmark(home);
  engine = new Engine(contextFromEnv({}, { dataDir: home, threads: 1 }));
  result = await runJob(engine, 'finetune', { videos, version: 'ft-a', steps: 20, hop: 1 });
}, 600_000);

afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Video→music similarity of the held-out windows under the active model (what a ranking is made of). */
async function heldOutScores(): Promise<number[]> {
  const registry = registryOptions(engine.ctx);
  const model = await loadModel(registry);
  const { data } = await loadEditPairs(videos, { window: model.manifest.window, hop: 1, cacheDir: join(home, 'edit-features') });
  const items = [...bySplit(data, 'train'), ...bySplit(data, 'val')];
  const emb = await onnxEmbedder(model, 'cpu');
  try {
    const v = await Promise.all(items.map((p) => emb.video(p.video.segments)));
    const a = await Promise.all(items.map((p) => emb.audio(p.audio.segments)));
    return v.flatMap((q) => a.map((r) => q.reduce((s, x, k) => s + x * r[k], 0)));
  } finally {
    await emb.close();
  }
}

describe('fine-tuning on finished edits (real clips)', () => {
  it('skips the silent and the speech-like video and reports why; trains on the music clips', () => {
    const skipped = new Map(result.skipped.map((s) => [basename(s.file), s.reason]));
    expect(skipped.get('silent.mp4')).toMatch(/mostly silence/);
    expect(skipped.get('speechlike.mp4')).toMatch(/mostly speech/);
    const used = result.videos.map((v) => basename(v.file));
    expect(used).toContain('chaplin.mp4');
    expect(used).toContain('big_buck_bunny_0_30.webm');
    expect(used).not.toContain('silent.mp4');
    expect(result.pairs.train).toBeGreaterThan(0);
    expect(result.pairs.val).toBeGreaterThan(0);
  });

  it('no source file is in two splits, and every window carries its video\'s split', async () => {
    const { data, videos: used } = await loadEditPairs(videos, { window: 16, hop: 1, cacheDir: join(home, 'edit-features') });
    const splitOf = new Map(used.map((v) => [v.file, v.split]));
    expect(new Set(used.map((v) => v.split))).toEqual(new Set(['train', 'val']));
    for (const p of data.pairs) expect(p.split).toBe(splitOf.get(p.id));
    const trainFiles = new Set(bySplit(data, 'train').map((p) => p.id));
    const valFiles = new Set(bySplit(data, 'val').map((p) => p.id));
    expect([...trainFiles].filter((f) => valFiles.has(f))).toEqual([]);
    // The engine's run saw the same split.
    for (const v of result.videos) expect(v.split).toBe(splitOf.get(v.file));
  });

  it('writes a version whose parent is the active one, with the base benchmark before and after (its one held-out edit is too few to compare), and does not activate it', async () => {
    const { active, models } = await engine.call('models.list');
    expect(active).toBe('base');
    const ft = models.find((m) => m.version === 'ft-a');
    expect(ft?.parent).toBe('base');
    type Pair = { before?: { videoToMusic?: { recall10?: number } } | null; after?: { videoToMusic?: { recall10?: number } } | null };
    const evaluations = (ft?.metrics as { evaluations?: { heldOut?: Pair & { edits?: number }; base?: Pair } }).evaluations;
    expect(typeof evaluations?.base?.before?.videoToMusic?.recall10).toBe('number');
    expect(typeof evaluations?.base?.after?.videoToMusic?.recall10).toBe('number');
    // One music video held out of three (finetune-held-out-edits.test has 1 against 2).
    expect(result.videos.filter((v) => v.split === 'val')).toHaveLength(1);
    expect(evaluations?.heldOut).toMatchObject({ edits: 1, before: null, after: null });
    expect(result.heldOut).toMatchObject({ edits: 1, before: null, after: null });
    expect(evaluations?.base).toEqual(JSON.parse(JSON.stringify({ ...result.base, corpus: { ...BASE_BENCHMARK, pairs: BASE_BENCHMARK.pairs } })));
  });

  it('the base benchmark numbers are what the parent and the saved version score on that corpus, recomputed here through ONNX', async () => {
    const registry = registryOptions(engine.ctx);
    const pairs = (await loadTrainingData(join(home, 'base-benchmark'), { window: 16, hop: 2 })).pairs;
    expect(pairs).toHaveLength(BASE_BENCHMARK.pairs);
    type V2M = { videoToMusic: { mapAtR: number; recall10: number } } | undefined;
    for (const [version, report] of [['base', result.base?.before as unknown as V2M], ['ft-a', result.base?.after as unknown as V2M]] as const) {
      const emb = await onnxEmbedder(await loadModel({ ...registry, version }), 'cpu');
      try {
        const mine = await evaluateEmbedder(version, pairs, emb);
        // TF.js (after) and ONNX agree to 1e-4 per value: ranks, hence these, may move by one tie at most.
        expect(report?.videoToMusic.mapAtR).toBeCloseTo(mine.videoToMusic.mapAtR, 1);
        expect(report?.videoToMusic.recall10).toBeCloseTo(mine.videoToMusic.recall10, 1);
      } finally {
        await emb.close();
      }
    }
  }, 120_000);

  it('activates, and rollback restores the previous scores exactly', async () => {
    const before = await heldOutScores();
    await engine.call('models.activate', { version: 'ft-a' });
    const tuned = await heldOutScores();
    expect(tuned).not.toEqual(before);
    const back = await engine.call('models.rollback');
    expect(back.active).toBe('base');
    expect(await heldOutScores()).toEqual(before);
  }, 120_000);

  it('SIGKILL during training leaves the active model unchanged and lists no new version', async () => {
    const child = spawn(process.execPath, cliArgv('train', '--from-videos', videos, '--version', 'ft-killed', '--steps', '100000', '--hop', '1'), {
      cwd: REPO,
      env: { ...process.env, NEEDLEDROP_HOME: home },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((done, fail) => {
      let err = '';
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        // Killed once it is training (a few steps in), the whole process group at once.
        if (/step \d+\//.test(err)) {
          process.kill(-(child.pid as number), 'SIGKILL');
          done();
        }
      });
      child.on('exit', () => fail(new Error(`the CLI ended before training: ${err}`)));
    });
    await new Promise((r) => child.on('exit', r));
    const { active, models } = await engine.call('models.list');
    expect(active).toBe('base');
    expect(models.map((m) => m.version)).not.toContain('ft-killed');
    expect(existsSync(join(home, 'models', 'ft-killed', 'model.json'))).toBe(false);
  }, 300_000);
});
