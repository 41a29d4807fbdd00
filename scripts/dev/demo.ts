/**
 * The main job end to end with nothing prepared, through the Engine's own operations: generate a
 * small paired corpus (clips whose right track is known), add real recordings when given, scan
 * every track into a temporary data folder with a shipped model, rank music for each clip.
 * Development wing: it needs the synthetic corpus, which the app never ships.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { runJob } from '../../electron/contract/api';
import { EngineError } from '../../electron/contract/errors';
import type { RankedTrack } from '../../electron/contract/types';
import { contextFromEnv, Engine } from '../../electron/engine/service';

/** The sibling folder of real recordings beside a checkout (read only, never copied). */
export const SHARED_MUSIC = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'media', 'music');

/** Not the seed the shipped base model was trained on (7), so the demo's pairs are unseen data. */
export const DEMO_SEED = 101;

export interface DemoOptions {
  pairs?: number;
  seed?: number;
  clipSeconds?: number;
  trackSeconds?: number;
  /** Keep the corpus and catalog in this folder (a rerun resumes); default: a temp folder, removed. */
  keep?: string;
  /** A shipped model version (default "base"). */
  model?: string;
  provider?: 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
  /** A folder of real recordings added as distractors, or null for none. */
  realMusic?: string | null;
  jobs?: number;
  signal?: AbortSignal;
  /** Each phase's count as it goes: the corpus job's and the scan's own phases (engine ids: 'corpus', 'hash', 'analyze'), then 'match' per clip. */
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface DemoClip {
  clip: string;
  trueTrack: string;
  /** Rank of the clip's own track among all tracks (1 = best). */
  trueRank: number;
  top: RankedTrack[];
}

export interface DemoReport {
  dir: string;
  kept: boolean;
  model: string;
  provider: string;
  tracks: { generated: number; real: number };
  clips: DemoClip[];
  recall: { at1: number; at3: number; at10: number };
  seconds: { generate: number; index: number; match: number; total: number };
}

const seconds = (from: number, to: number): number => Math.round((to - from) / 100) / 10;

export async function runDemo(opts: DemoOptions = {}): Promise<DemoReport> {
  const started = performance.now();
  const model = opts.model ?? 'base';
  const dir = opts.keep ? resolve(opts.keep) : await mkdtemp(join(tmpdir(), 'needledrop-demo-'));
  await mkdir(dir, { recursive: true });
  const jobs = opts.jobs ?? 2;
  const engine = new Engine(contextFromEnv({}, { dataDir: join(dir, 'data'), threads: jobs }));
  const signal = opts.signal;
  try {
    // Fail before any work when the model is missing or broken.
    const models = await engine.call('models.list');
    const entry = models.models.find((m) => m.version === model);
    if (!entry || entry.problem) throw new EngineError({ code: 'no-model', message: `model "${model}" is not usable: ${entry?.problem ?? 'not installed'}` });
    if (models.active !== model) await engine.call('models.activate', { version: model });

    const corpusDir = join(dir, 'corpus');
    const corpus = await runJob(
      engine,
      'corpus',
      { out: corpusDir, pairs: opts.pairs ?? 12, seed: opts.seed ?? DEMO_SEED, clipSeconds: opts.clipSeconds ?? 10, trackSeconds: opts.trackSeconds ?? 20, jobs },
      { ...(signal ? { signal } : {}), onProgress: (p) => opts.onProgress?.(p.phase, p.done, p.total) },
    );
    const generated = performance.now();

    const folders = [join(corpusDir, 'music'), ...(opts.realMusic ? [resolve(opts.realMusic)] : [])];
    const scan = await runJob(engine, 'library.scan', { folders, jobs }, {
      ...(signal ? { signal } : {}),
      onProgress: (p) => opts.onProgress?.(p.phase, p.done, p.total),
    });
    if (scan.cancelled) throw new EngineError({ code: 'cancelled', message: 'demo cancelled' });
    if (scan.failed.length) throw new EngineError({ code: 'bad-input', message: `could not index ${scan.failed.map((f) => `${f.path} (${f.reason})`).join(', ')}` });
    const indexed = performance.now();

    const { total: all } = await engine.call('tracks.list', { limit: 1 });
    const manifest = (await import('node:fs')).readFileSync(join(corpusDir, 'manifest.json'), 'utf8');
    const pairs = (JSON.parse(manifest) as { pairs: Array<{ video: string; music: string }> }).pairs;
    const clips: DemoClip[] = [];
    let provider = '';
    for (const pair of pairs) {
      const trueTrack = join(corpusDir, pair.music);
      // Rank every track so the true one's rank is known even when it is not in the top 3.
      const m = await runJob(engine, 'match', { clips: [join(corpusDir, pair.video)], top: all, ...(opts.provider ? { provider: opts.provider } : {}) }, signal ? { signal } : {});
      provider = m.provider;
      const results = m.clips[0].results;
      const at = results.findIndex((r) => r.track.path === trueTrack);
      clips.push({ clip: basename(pair.video), trueTrack: basename(pair.music), trueRank: at < 0 ? all + 1 : at + 1, top: results.slice(0, 3) });
      opts.onProgress?.('match', clips.length, pairs.length);
    }
    const done = performance.now();
    const share = (k: number): number => Math.round((clips.filter((c) => c.trueRank <= k).length / clips.length) * 1000) / 1000;
    return {
      dir,
      kept: opts.keep !== undefined,
      model,
      provider,
      tracks: { generated: corpus.pairs, real: all - corpus.pairs },
      clips,
      recall: { at1: share(1), at3: share(3), at10: share(10) },
      seconds: { generate: seconds(started, generated), index: seconds(generated, indexed), match: seconds(indexed, done), total: seconds(started, done) },
    };
  } finally {
    await engine.close();
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
