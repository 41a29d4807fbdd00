/**
 * Fine-tuning on Match feedback in the app's training process, on a real catalog (the shared
 * recordings scanned by the real engine, judgements recorded through it):
 * - review R1.4: `finetune` ran in the engine that serves Library and Match (the router's
 *   TRAINING_OPERATIONS lacked it); it runs in the training engine, on the same data folder, and the
 *   version it writes and activates is listed, and active, in the main engine, which is told of the
 *   activation (its own `changed: models`, after which it re-embeds the library in the app);
 * - review R1.2: accepted pairs that all share one track give batches of one class (InfoNCE exactly
 *   0): with no rejection that can train, the run is refused before training, naming the track and
 *   the clips and saying what to do; with one, it trains and says that only the rejections trained;
 * - review R1.3: a rejected track too short from its offset is skipped naming the track (title, file)
 *   and saying it is the track that is short.
 * Which clip is held out is the documented rule (sha256 of the clip's path, a quarter held out),
 * evaluated here to name the clips so that two train and one is held out.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { EngineEvent } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { routeEngines, type RoutedEngine } from '../../../electron/main/engine-router';
import { seedBaseBenchmark } from '../../helpers/base-benchmark';
import { routedSide } from '../../helpers/engine';
import { ffmpeg, sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const tmp = mkdtempSync(join(tmpdir(), 'nd-ft-training-engine-'));
const dataDir = join(tmp, 'home');
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});

const heldOut = (path: string): boolean => createHash('sha256').update(path).digest().readUInt32BE(0) / 2 ** 32 < 0.25;

/** `count` paths `dir/stem-k.mp4` on the wanted side of the split rule. */
function clipPaths(dir: string, stem: string, val: boolean, count: number): string[] {
  const out: string[] = [];
  for (let k = 0; out.length < count; k++) {
    const p = join(dir, `${stem}-${k}.mp4`);
    if (heldOut(p) === val) out.push(p);
  }
  return out;
}

function side(name: string, jobPrefix: string | undefined, events: EngineEvent[]): RoutedEngine {
  const engine = new Engine(contextFromEnv({}, { dataDir, threads: 1, ...(jobPrefix ? { jobPrefix } : {}) }));
  engines.push(engine);
  engine.subscribe((e) => events.push(e));
  return routedSide(engine, events);
}

describe.skipIf(!media)('fine-tuning on feedback in the training engine', () => {
  const mainEvents: EngineEvent[] = [];
  const trainingEvents: EngineEvent[] = [];
  let main: RoutedEngine;
  let api: ReturnType<typeof routeEngines>;
  let train: string[];
  let val: string;
  const ids = { fishin: 0, trumpet: 0, vibe: 0 };

  beforeAll(async () => {
    // The base benchmark the fine-tune compares on, as a first fine-tune leaves it (rendered once per test run).
    mkdirSync(dataDir, { recursive: true });
    await seedBaseBenchmark(dataDir);
    // As main.ts spawns them: one data folder, the training engine with its own job ids.
    main = side('main', undefined, mainEvents);
    api = routeEngines(main, side('training', 'training-job', trainingEvents));
    const clips = join(tmp, 'clips');
    mkdirSync(clips);
    train = clipPaths(clips, 'train', false, 2);
    [val] = clipPaths(clips, 'held', true, 1);
    // 9 s pieces of Big Buck Bunny (one 8 s window each), small for speed.
    for (const [i, p] of [...train, val].entries()) {
      await ffmpeg(['-ss', String(9 * i), '-t', '9', '-i', join(media as string, 'video', 'big_buck_bunny_0_30.webm'), '-vf', 'scale=160:-2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'], p);
    }
    await runJob(api, 'library.scan', { folders: [join(media as string, 'music')] });
    const db = openCatalog(join(dataDir, 'catalog.sqlite'));
    const id = (file: string): number => listTracks(db).find((t) => basename(t.path) === file)?.id ?? 0;
    ids.fishin = id('Karissa_Hobbs_-_Lets_Go_Fishin.ogg');
    ids.trumpet = id('sorohanro_-_solo-trumpet-06.ogg');
    ids.vibe = id('Kevin_MacLeod_-_Vibe_Ace.ogg');
    db.close();
    expect(Object.values(ids).every((x) => x > 0)).toBe(true);
    // The reviewer's feedback: the same track accepted for every clip, the 5 s trumpet rejected from 0.2 s.
    for (const clip of [...train, val]) await api.call('feedback.record', { clip, trackId: ids.fishin, offset: 0, verdict: 'accept' });
    await api.call('feedback.record', { clip: train[0], trackId: ids.trumpet, offset: 0.2, verdict: 'reject' });
  }, 900_000);

  it('all accepted pairs share one track, the only rejection cannot train: refused before training, in the training engine', async () => {
    let jobId = '';
    const err = await runJob(api, 'finetune', { feedback: true, version: 'ft-one-track', steps: 5 }, { onStart: (id) => (jobId = id) }).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(jobId).toMatch(/^training-job-\d+$/);
    expect(err?.code).toBe('bad-input');
    expect(err?.message).toMatch(/nothing to learn from: the 2 training clips \(.*\) were all accepted with the same track, track \d+ \("Let's Go Fishin'", Karissa_Hobbs_-_Lets_Go_Fishin\.ogg\)/);
    for (const c of train) expect(err?.message).toContain(basename(c));
    expect(err?.message).toMatch(/Accept different tracks for different clips/);
    expect(existsSync(join(dataDir, 'models', 'ft-one-track'))).toBe(false);
    // No training step was taken.
    expect(trainingEvents.some((e) => e.type === 'progress' && e.phase === 'train')).toBe(false);
  }, 600_000);

  it('with a rejection that trains: a version, saying only the rejections trained; the short track named as the short one; listed and active in the main engine', async () => {
    await api.call('feedback.record', { clip: train[1], trackId: ids.vibe, offset: 10, verdict: 'reject' });
    let jobId = '';
    const result = await runJob(api, 'finetune', { feedback: true, version: 'ft-rejections', steps: 5, activate: true }, { onStart: (id) => (jobId = id) });
    expect(jobId).toMatch(/^training-job-\d+$/);
    expect(result.activated).toBe(true);
    expect(result.notes[0]).toMatch(/^only the \d+ rejected windows? trained: the 2 training clips .* were all accepted with the same track, track \d+ \("Let's Go Fishin'"/);
    const short = result.skipped.find((s) => s.file.includes(`track ${ids.trumpet} `));
    expect(short?.reason).toMatch(new RegExp(`^the track is too short: track ${ids.trumpet} \\(.*sorohanro_-_solo-trumpet-06\\.ogg\\) has \\d+\\.\\d s from its offset 0\\.2 s, fewer than one 8\\.0 s window, so this judgement cannot train$`));
    // The main engine (Library, Match) lists the version the training engine wrote, as the active one.
    const list = await main.call('models.list');
    expect(list.active).toBe('ft-rejections');
    expect(list.models.find((m) => m.version === 'ft-rejections')?.active).toBe(true);
    // ...and is told of the activation (the router): its own changed event, as after an activation of its own.
    await expect.poll(() => mainEvents.some((e) => e.type === 'changed' && e.what === 'models'), { timeout: 10_000 }).toBe(true);
  }, 900_000);
});
