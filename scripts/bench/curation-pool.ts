/**
 * What curation's pool costs per request at 10,000 tracks: curationPool (app/curate.ts) reads
 * every track's file path and hash from the catalog and stats each file (existsSync) on every
 * `similar` and playlist request. Times the pool alone and a whole `similar` call on a catalog of
 * N rows whose files exist (empty files in a temp folder, so the stats are real lookups).
 * Run: npx tsx scripts/bench/curation-pool.ts [--tracks N] [--runs N]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog } from '../../electron/engine/catalog/db';
import { saveAnalysis } from '../../electron/engine/catalog/tracks';
import { curationPool, similar } from '../../electron/engine/app/curate';
import { loadLibrary } from '../../electron/engine/app/library';
import { AUDIO_NAMES, AUDIO_SPEC } from '../../electron/engine/features/spec';
import { createRng } from '../../electron/engine/util/prng';
import { num, parse } from '../cli/args';

const { values } = parse(process.argv.slice(2), { tracks: { type: 'string' }, runs: { type: 'string' } });
const n = num(values.tracks, 'tracks', { min: 10, max: 200_000, int: true }) ?? 10_000;
const runs = num(values.runs, 'runs', { min: 1, max: 1000, int: true }) ?? 30;

const dir = mkdtempSync(join(tmpdir(), 'needledrop-bench-pool-'));
try {
  const db = openCatalog(join(dir, 'catalog.sqlite'));
  const rng = createRng(5);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const folder = join(dir, 'music', `artist-${i % 400}`);
      if (i < 400) mkdirSync(folder, { recursive: true });
      const path = join(folder, `track-${i}.ogg`);
      writeFileSync(path, '');
      saveAnalysis(db, {
        file: { path, size: 1000 + i, mtimeMs: 1, hash: `bench-${i}` },
        info: { title: `Track ${i}`, artist: `Artist ${i % 400}`, album: null, duration: 120 },
        summary: { bpm: 60 + rng.next() * 120, key: 'C', mode: 'major', energy: rng.next(), loudness: -14 },
        features: { start: 0, step: 0.5, names: [...AUDIO_NAMES], data: Float32Array.from({ length: 4 * AUDIO_NAMES.length }, () => rng.next()), T: 4, D: AUDIO_NAMES.length, spec: AUDIO_SPEC.version },
        segments: { modelVersion: 'base', set: { starts: new Float32Array([0]), dim: 128, data: Float32Array.from({ length: 128 }, () => rng.next() * 2 - 1) } },
      });
    }
  })();
  const library = loadLibrary(db, 'base');
  const time = (f: () => unknown): number[] => {
    f(); // warm: the first call compiles the statements
    return Array.from({ length: runs }, () => {
      const t = performance.now();
      f();
      return performance.now() - t;
    });
  };
  const stat = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[s.length >> 1].toFixed(1)} ms, min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)}`;
  };
  const pool = time(() => curationPool(library));
  const query = library.track(library.store.idAt(0)).path;
  const whole = time(() => similar(library, query, 10));
  process.stdout.write(`${n} tracks, ${runs} runs\n  curationPool: ${stat(pool)}\n  similar (k 10), pool included: ${stat(whole)}\n`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
