/** Shared set-up for the app tests: a generated corpus, its tracks indexed with the shipped model. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import type { CorpusManifest } from '../../../electron/engine/corpus/types';
import { DEFAULT_COMPONENTS } from '../../../electron/engine/library/default-components';
import { indexLibrary, type IndexReport } from '../../../electron/engine/library/indexer';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';

/** The shipped model every app test runs on (what `needledrop demo` and a fresh install use). */
export const MODEL = 'base';

export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `needledrop-app-${name}-`));

export async function makeCorpus(dir: string, pairs: number, seed: number, trackSeconds = 20): Promise<CorpusManifest> {
  return generateCorpus({ outDir: dir, pairs, seed, clipSeconds: 10, trackSeconds, jobs: 2 });
}

export async function indexWithModel(db: Catalog, roots: string[]): Promise<IndexReport> {
  const report = await indexLibrary(db, roots, { jobs: 2, components: { ...DEFAULT_COMPONENTS, options: { model: MODEL } } });
  if (report.embedderVersion !== MODEL || report.failed.length > 0) {
    throw new Error(`indexing with model ${MODEL} failed: ${report.note ?? ''} ${JSON.stringify(report.failed)}`);
  }
  return report;
}

/** A catalog at `dbPath` holding `roots` indexed with the shipped model (opened, indexed and closed). */
export async function indexedCatalog(dbPath: string, roots: string[]): Promise<string> {
  const db = openCatalog(dbPath);
  try {
    await indexWithModel(db, roots);
  } finally {
    db.close();
  }
  return dbPath;
}

export function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', ...args]);
}

/** Two clips one after the other, same size and rate, H.264: one video with a hard cut at the join. */
export function concatClips(a: string, b: string, out: string): string {
  const norm = 'scale=320:180,setsar=1,fps=24';
  ffmpeg(['-i', a, '-i', b, '-filter_complex', `[0:v]${norm}[a];[1:v]${norm}[b];[a][b]concat=n=2:v=1[v]`, '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', out]);
  return out;
}

/** Run a CLI command's run() with stdout captured (stderr left alone). */
export async function runCli(run: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const code = await run(argv);
    return { code, out: out.join('') };
  } finally {
    spy.mockRestore();
  }
}
