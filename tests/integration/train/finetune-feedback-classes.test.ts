/**
 * Review S5 end to end on real media: fine-tuning crashed ("Cannot read properties of undefined
 * (reading 'indices')") when one clip had two accepted tracks, or was both an edit and a judged
 * clip: the windows of one clip were given two classes that may never share a batch, and the
 * batch was every training window. Both runs now train and save a version; the truths are the
 * clips' own lengths and the split rule (a hash of the path), worked out here.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';
import { splitVideos } from '../../../electron/engine/train/edits';
import { splitOf, type FeedbackJudgement } from '../../../electron/engine/train/feedback-pairs';
import { finetuneOnEdits, type FinetuneDirs } from '../../../electron/engine/train/finetune';

const MEDIA = resolve(import.meta.dirname, '../../../../shared/media');
const VIDEO = join(MEDIA, 'video');
const clip = (name: string): string => join(VIDEO, name);
const root = mkdtempSync(join(tmpdir(), 'nd-ft-classes-'));
const home = join(root, 'home');
const ctx = contextFromEnv({}, { dataDir: home, threads: 1 });
const tracks = new Map<number, FeatureSeq>();
const job = { signal: new AbortController().signal, progress: () => {} };

const dirs = (rows: FeedbackJudgement[]): FinetuneDirs => ({
  registry: registryOptions(ctx),
  userModelsDir: join(home, 'models'),
  checkpointsDir: join(home, 'checkpoints'),
  cacheDir: join(home, 'edit-features'),
  feedback: { rows, trackAudio: (id) => tracks.get(id) },
});
const accept = (name: string, trackId: number, offset = 0): FeedbackJudgement => ({ clipPath: clip(name), clipStart: null, clipEnd: null, trackId, offset, verdict: 'accept' });

beforeAll(async () => {
  const music = readdirSync(join(MEDIA, 'music')).filter((f) => f.endsWith('.ogg')).sort().slice(0, 3);
  for (const [i, f] of music.entries()) tracks.set(i + 1, (await extractAudioFeatures(join(MEDIA, 'music', f))).seq);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fine-tuning on feedback where one clip has two classes of judgement (review S5)', () => {
  it('two tracks accepted for one clip: trains and saves the version', async () => {
    // The review's repro (a): big_buck_bunny judged twice, chaplin and smpte once (track 2 twice).
    const rows = [accept('big_buck_bunny_0_30.webm', 1), accept('big_buck_bunny_0_30.webm', 2), accept('chaplin.mp4', 2, 6.8), accept('smpte-2997.mp4', 3)];
    // This repro needs a judged clip on each side of the split, and the twice-judged one in training.
    expect(splitOf(clip('big_buck_bunny_0_30.webm'))).toBe('train');
    expect(rows.some((r) => splitOf(r.clipPath) === 'val')).toBe(true);
    const out = await finetuneOnEdits({ version: 'fb-two-accepts', steps: 6 }, dirs(rows), job);
    expect(out.stepsRun).toBeGreaterThan(0);
    expect(out.skipped).toEqual([]);
    expect(existsSync(join(out.dir, 'model.json'))).toBe(true);
  }, 600_000);

  it('clips that are edits and judged: trains, and each clip keeps its edit split', async () => {
    // The review's repro (b): the shared clips as the folder of edits, each judged once too.
    const rows = [accept('big_buck_bunny_0_30.webm', 1), accept('chaplin.mp4', 2, 6.8), accept('smpte-2997.mp4', 3)];
    const editSplit = splitVideos(readdirSync(VIDEO).sort());
    // A judged clip whose own path hash gives another split than its edit's is the case that would put its
    // pictures on both sides. Which clips those are depends on where the media folder is (the hash is of the
    // absolute path: /work/shared here, the CI clone's ../shared there); the check below holds for all of them.
    const differing = rows.filter((r) => splitOf(r.clipPath) !== editSplit.get(relative(VIDEO, r.clipPath)));
    if (differing.length === 0) console.warn('no judged clip here has a path split other than its edit split: the split rule is checked on agreeing clips only');
    const out = await finetuneOnEdits({ version: 'fb-edits-too', steps: 6, videos: VIDEO }, dirs(rows), job);
    expect(out.stepsRun).toBeGreaterThan(0);
    expect(existsSync(join(out.dir, 'model.json'))).toBe(true);
    for (const v of out.videos) expect(v.split).toBe(editSplit.get(relative(VIDEO, v.file)));
    // Windows per split: an edit's and its judgement's together on its edit's side. Judgements cover
    // the clip while the track lasts, so with these tracks (each longer than its clip) a judgement
    // gives as many windows as the clip's edit.
    const windows = new Map(out.videos.map((v) => [v.file, v.windows]));
    const judged = new Set(rows.map((r) => r.clipPath));
    const expected: Record<string, number> = { train: 0, val: 0 };
    for (const v of out.videos) expected[v.split] += v.windows * (judged.has(v.file) ? 2 : 1);
    for (const r of rows) expect(windows.has(r.clipPath), `${r.clipPath} is a usable edit`).toBe(true);
    expect(out.pairs).toEqual(expected);
  }, 600_000);
});
