/**
 * The main job end to end with nothing prepared: generate a small paired corpus (clips whose
 * right track is known), add the real recordings from ../shared/media/music when present,
 * index every track into a temporary catalog with a shipped model, rank music for each clip.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { openCatalog } from '../catalog/db';
import { generateCorpus } from '../corpus/generate';
import type { ProviderRequest } from '../encoders/providers';
import { cancelledError, inputError } from '../errors';
import type { ProgressSnapshot } from '../jobs/progress';
import { DEFAULT_COMPONENTS } from '../library/default-components';
import { indexLibrary } from '../library/indexer';
import { loadModel } from '../models/registry';
import { matchClip, openMatchSession, type RankedTrack } from './match';

/** The repo's sibling folder of real recordings (read only, never copied). */
export const SHARED_MUSIC = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'media', 'music');

/** Not the seed the shipped base model was trained on (7), so the demo's pairs are unseen data. */
export const DEMO_SEED = 101;

export interface DemoOptions {
  /** Generated pairs (default 12). */
  pairs?: number;
  seed?: number;
  clipSeconds?: number;
  trackSeconds?: number;
  /** Keep the corpus and catalog in this folder (created; a rerun resumes); default: a temp folder, removed. */
  keep?: string;
  /** Model version (default: the shipped "base"). */
  model?: string;
  provider?: ProviderRequest;
  /** Real recordings added as distractors; default SHARED_MUSIC when it exists; null: none. */
  realMusic?: string | null;
  /** Parallel ffmpeg jobs / index workers (default 2). */
  jobs?: number;
  signal?: AbortSignal;
  /** Progress of the current phase. */
  onProgress?: (phase: 'generate' | 'index' | 'match', done: number, total: number) => void;
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
  /** Share of clips whose true track ranks within the top 1, 3, 10. */
  recall: { at1: number; at3: number; at10: number };
  seconds: { generate: number; index: number; match: number; total: number };
}

const seconds = (from: number, to: number): number => Math.round((to - from) / 100) / 10;

export async function runDemo(opts: DemoOptions = {}): Promise<DemoReport> {
  const started = performance.now();
  const model = opts.model ?? 'base';
  // Fail before any work when the model is missing or broken.
  await loadModel({ version: model });
  const realMusic = opts.realMusic === undefined ? (existsSync(SHARED_MUSIC) ? SHARED_MUSIC : null) : opts.realMusic;
  if (realMusic !== null && !existsSync(realMusic)) throw inputError(realMusic, 'no such folder of recordings');
  const dir = opts.keep ? resolve(opts.keep) : await mkdtemp(join(tmpdir(), 'needledrop-demo-'));
  await mkdir(dir, { recursive: true });
  const jobs = opts.jobs ?? 2;
  try {
    const corpusDir = join(dir, 'corpus');
    const manifest = await generateCorpus({
      outDir: corpusDir,
      pairs: opts.pairs ?? 12,
      seed: opts.seed ?? DEMO_SEED,
      clipSeconds: opts.clipSeconds ?? 10,
      trackSeconds: opts.trackSeconds ?? 20,
      jobs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => opts.onProgress?.('generate', p.done, p.total),
    });
    const generated = performance.now();

    const catalog = join(dir, 'catalog.sqlite');
    const db = openCatalog(catalog);
    try {
      const roots = [join(corpusDir, 'music'), ...(realMusic ? [realMusic] : [])];
      const index = await indexLibrary(db, roots, {
        jobs,
        components: { ...DEFAULT_COMPONENTS, options: { model } },
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p: { phase: string; snapshot: ProgressSnapshot }) => {
          if (p.phase === 'analyze') opts.onProgress?.('index', p.snapshot.done, p.snapshot.total);
        },
      });
      if (index.cancelled) throw cancelledError('demo');
      if (index.embedderVersion !== model) throw inputError(catalog, `tracks were not embedded with model "${model}" (${index.note ?? 'no embedder'})`);
      const indexed = performance.now();

      const session = await openMatchSession(db, { version: model, ...(opts.provider ? { provider: opts.provider } : {}), catalogPath: catalog });
      try {
        const all = session.library.store.trackCount;
        const clips: DemoClip[] = [];
        for (const pair of manifest.pairs) {
          const trueTrack = join(corpusDir, pair.music);
          // Rank every track so the true one's rank is known even when it is not in the top 3.
          const m = await matchClip(session, join(corpusDir, pair.video), { topK: all, ...(opts.signal ? { signal: opts.signal } : {}) });
          const at = m.results.findIndex((r) => r.track.path === trueTrack);
          clips.push({ clip: basename(pair.video), trueTrack: basename(pair.music), trueRank: at < 0 ? all + 1 : at + 1, top: m.results.slice(0, 3) });
          opts.onProgress?.('match', clips.length, manifest.pairs.length);
        }
        const done = performance.now();
        const share = (k: number): number => Math.round((clips.filter((c) => c.trueRank <= k).length / clips.length) * 1000) / 1000;
        const tracks = { generated: manifest.pairs.length, real: all - manifest.pairs.length };
        return {
          dir,
          kept: opts.keep !== undefined,
          model,
          provider: session.provider,
          tracks,
          clips,
          recall: { at1: share(1), at3: share(3), at10: share(10) },
          seconds: { generate: seconds(started, generated), index: seconds(generated, indexed), match: seconds(indexed, done), total: seconds(started, done) },
        };
      } finally {
        await session.close();
      }
    } finally {
      db.close();
    }
  } finally {
    if (!opts.keep) await rm(dir, { recursive: true, force: true });
  }
}
