/**
 * Rejected feedback as hard negatives, end to end on real media: edits made here from lavfi
 * pictures and the shared music, two clips the user judged, five real tracks. The truth is the
 * parent model's own ranking before fine-tuning: the track the user rejected for a clip (the one
 * the parent ranked first) must fall in that clip's ranking, and the track the user accepted for
 * the other clip (ranked last) must rise. Scores are computed here from the ONNX encoders on
 * onnxruntime-node: mean clip vector · mean track vector over the same aligned windows.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentWindows } from '../../../electron/engine/encoders/segments';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { extractVideoFeatures } from '../../../electron/engine/features/video';
import { loadModel } from '../../../electron/engine/models/registry';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';
import { meanVector } from '../../../electron/engine/train/vectors';
import { onnxEmbedder } from '../../../electron/engine/train/export';
import { splitOf, type FeedbackJudgement } from '../../../electron/engine/train/feedback-pairs';
import { finetuneOnEdits, type FinetuneOutcome } from '../../../electron/engine/train/finetune';

const MUSIC = resolve(import.meta.dirname, '../../../../shared/media/music');
const root = mkdtempSync(join(tmpdir(), 'nd-ft-negatives-'));
const home = join(root, 'home');
const edits = join(root, 'edits');
const clips = join(root, 'clips');
const ctx = contextFromEnv({}, { dataDir: home, threads: 1 });
const registry = registryOptions(ctx);
const trackFiles = readdirSync(MUSIC)
  .filter((f) => f.endsWith('.ogg'))
  .sort()
  .slice(0, 5)
  .map((f) => join(MUSIC, f));
const tracks = new Map<number, FeatureSeq>();
const clipSeqs = new Map<string, FeatureSeq>();
let clipA = '';
let clipB = '';
let outcome: FinetuneOutcome;
let before: { a: number[]; b: number[] };
let rejected = 0;
let accepted = 0;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

/** A path under `dir` named `stem-k.mp4` whose split is 'train' (the rule: a hash of the path). */
function trainPath(dir: string, stem: string): string {
  for (let k = 0; ; k++) {
    const p = join(dir, `${stem}-${k}.mp4`);
    if (splitOf(p) === 'train') return p;
  }
}

/** Cosine of the clip's mean window vector with the track's mean window vector over the same aligned steps. */
async function scores(version: string, clip: string): Promise<number[]> {
  const model = await loadModel({ ...registry, version });
  const emb = await onnxEmbedder(model, 'cpu');
  try {
    const shape = { window: model.manifest.window, hop: 1 };
    const video = clipSeqs.get(clip)!;
    const out: number[] = [];
    for (const [, audio] of [...tracks].sort((x, y) => x[0] - y[0])) {
      const T = Math.min(video.T, audio.T);
      const head = (s: FeatureSeq): FeatureSeq => ({ ...s, T, data: s.data.subarray(0, T * s.D) });
      const v = meanVector(await emb.video(segmentWindows(head(video), shape)), emb.dim);
      const a = meanVector(await emb.audio(segmentWindows(head(audio), shape)), emb.dim);
      out.push(v.reduce((s, x, i) => s + x * a[i], 0));
    }
    return out;
  } finally {
    await emb.close();
  }
}

/** 1-based rank of track index i among the scores (1 = best). */
const rankOf = (s: number[], i: number): number => 1 + s.filter((x, j) => j !== i && x > s[i]).length;
/** How far a track sits above the clip's other tracks: its score minus their mean. */
const lead = (s: number[], i: number): number => s[i] - s.filter((_, j) => j !== i).reduce((a, b) => a + b, 0) / (s.length - 1);

beforeAll(async () => {
  mkdirSync(edits, { recursive: true });
  mkdirSync(clips, { recursive: true });
  const patterns = ['testsrc2', 'rgbtestsrc', 'smptehdbars', 'mandelbrot', 'testsrc'];
  patterns.forEach((p, k) => {
    const music = trackFiles[k % trackFiles.length];
    ffmpeg(['-f', 'lavfi', '-i', `${p}=size=160x120:rate=10`, '-i', music, '-t', '12', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', join(edits, `edit-${k}.mp4`)]);
  });
  clipA = trainPath(clips, 'judged-a');
  clipB = trainPath(clips, 'judged-b');
  ffmpeg(['-f', 'lavfi', '-i', 'life=size=160x120:rate=10:mold=10:ratio=0.3', '-t', '12', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clipA]);
  ffmpeg(['-f', 'lavfi', '-i', 'cellauto=size=160x120:rate=10:rule=110', '-t', '12', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clipB]);
  for (const [i, f] of trackFiles.entries()) tracks.set(i + 1, (await extractAudioFeatures(f)).seq);
  for (const c of [clipA, clipB]) clipSeqs.set(c, (await extractVideoFeatures(c)).seq);

  before = { a: await scores('base', clipA), b: await scores('base', clipB) };
  // The parent's favourite for clip A is rejected; its least favourite for clip B is accepted.
  rejected = before.a.indexOf(Math.max(...before.a));
  accepted = before.b.indexOf(Math.min(...before.b));
  const rows: FeedbackJudgement[] = [
    { clipPath: clipA, clipStart: 0, clipEnd: 12, trackId: rejected + 1, offset: 0, verdict: 'reject' },
    { clipPath: clipB, clipStart: 0, clipEnd: 12, trackId: accepted + 1, offset: 0, verdict: 'accept' },
  ];
  outcome = await finetuneOnEdits(
    { videos: edits, version: 'ft-neg', steps: 40, hop: 1, lr: 2e-3 },
    {
      registry,
      userModelsDir: join(home, 'models'),
      checkpointsDir: join(home, 'checkpoints'),
      cacheDir: join(home, 'edit-features'),
      feedback: { rows, trackAudio: (id) => tracks.get(id) },
    },
    { signal: new AbortController().signal, progress: () => {} },
  );
}, 900_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('fine-tuning with rejected feedback', () => {
  it('uses the rejection as hard negatives and records it', () => {
    expect(outcome.manifest.training.data).toMatch(/1 rejected \(\d+ training windows as hard negatives\)/);
    const fb = (outcome.manifest.training as { finetune?: { feedback?: { negatives: number } } }).finetune?.feedback;
    // 12 s = 24 steps at hop 1 with 16-step windows: 9 windows.
    expect(fb?.negatives).toBe(9);
  });

  it("the rejected track falls in the clip's ranking; the accepted one rises in its clip's", async () => {
    const after = { a: await scores('ft-neg', clipA), b: await scores('ft-neg', clipB) };
    expect(rankOf(before.a, rejected)).toBe(1);
    expect(rankOf(after.a, rejected)).toBeGreaterThan(1);
    expect(lead(after.a, rejected)).toBeLessThan(lead(before.a, rejected));
    expect(lead(after.b, accepted)).toBeGreaterThan(lead(before.b, accepted));
    expect(rankOf(after.b, accepted)).toBeLessThanOrEqual(rankOf(before.b, accepted));
  });
});
