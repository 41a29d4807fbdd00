/**
 * A library over the on-disk threshold (lowered here) is searched from the on-disk segment index
 * and ranks exactly like the same library loaded into memory; the index follows the catalog's
 * segments, and a build killed half-way is never used.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibrary } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import type { MatchStrategy } from '../../../electron/engine/search/matcher';
import type { ClipQuery, MatchResult } from '../../../electron/engine/search/types';
import { Sessions } from '../../../electron/engine/service/sessions';
import { REPO_ROOT } from '../../helpers/cli';
import { moodRows, noisySlice, rng } from '../../unit/search/synthetic';

const d = 32;
const VERSION = 'v-disk';
/** Far below the ~3k segments of this library, so the on-disk path is taken. */
const DISK_ABOVE = 500;

let root: string;
let dbPath: string;
let db: Catalog;
const sources = new Map<number, Float32Array>();

/** Track i: 30–90 rows around a mood, beats at its own tempo (so beat shares differ between tracks). */
function addTrack(i: number, rand: () => number): number {
  const n = 30 + Math.floor(rand() * 60);
  const period = 0.4 + (i % 7) * 0.05;
  const rows = moodRows(rand, n, d);
  const { trackId } = saveAnalysis(db, {
    file: { path: `/music/t${i}.mp3`, size: 1, mtimeMs: 1, hash: `h${i}` },
    info: { title: `t${i}`, artist: null, album: null, duration: n + 7 },
    summary: { bpm: 60 / period, key: 'C', mode: i % 2 ? 'major' : 'minor', energy: 0.5, beats: Array.from({ length: Math.floor((n + 7) / period) }, (_, b) => b * period) },
    features: { step: 0.5, names: ['a'], data: new Float32Array(4), T: 4, D: 1, spec: 's', start: 0 },
    segments: { modelVersion: VERSION, set: { dim: d, starts: Float32Array.from({ length: n }, (_, r) => r), data: rows } },
  });
  sources.set(trackId, rows);
  return trackId;
}

function clipOf(trackId: number, rand: () => number): ClipQuery {
  const rows = sources.get(trackId)!;
  const n = rows.length / d;
  const m = 12;
  return { embeddings: noisySlice(rand, rows, d, Math.floor(rand() * (n - m)), m, 0.3), cuts: [1.1, 3.05, 5.6, 8.2] };
}

function expectSameRanking(got: MatchResult[], want: MatchResult[]): void {
  expect(got.map((r) => r.trackId)).toEqual(want.map((r) => r.trackId));
  got.forEach((r, i) => {
    expect(r.score).toBeCloseTo(want[i].score, 6);
    expect(r.alignScore).toBeCloseTo(want[i].alignScore, 6);
    expect(r.beatShare).toBe(want[i].beatShare);
    expect(r.offset).toBeCloseTo(want[i].offset, 9);
  });
}

const indexFolder = (): string => join(`${dbPath}.segment-index`, encodeURIComponent(VERSION));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'needledrop-disk-library-'));
  dbPath = join(root, 'catalog.sqlite');
  db = openCatalog(dbPath);
  const rand = rng(91);
  for (let i = 0; i < 45; i++) addTrack(i, rand);
});
afterAll(() => {
  db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a library above the on-disk threshold', () => {
  it('is opened from the segment index and ranks exactly like the library in memory (auto and scan)', async () => {
    const logs: string[] = [];
    const sessions = new Sessions(dbPath, {}, (m) => logs.push(m), { diskIndexAbove: DISK_ABOVE });
    const disk = await sessions.library(VERSION);
    const memory = loadLibrary(db, VERSION);
    try {
      expect(disk.onDisk).toBe(true);
      expect(memory.onDisk).toBe(false);
      expect(logs.filter((l) => /segment index/.test(l)).map((l) => l.replace(/\d+(\.\d+)?/g, 'N'))).toEqual([
        `building the on-disk segment index of N segments for "${VERSION}" (once per change of the catalog's segments)`,
        `built the on-disk segment index of N segments for "${VERSION}" in N s`,
      ]);
      expect(disk.store.trackIds()).toEqual(memory.store.trackIds());
      expect(disk.missing).toBe(0);
      const id = disk.store.trackIds()[7];
      expect(disk.view(id)).toEqual(memory.view(id));
      // Beats are left out of the listing and read per track when the matcher asks.
      expect(Array.from(disk.store.info(id).summary.beats)).toEqual(Array.from(memory.store.info(id).summary.beats));

      const rand = rng(92);
      const ids = disk.store.trackIds();
      for (const trackId of [ids[3], ids[20], ids[44]]) {
        const clip = clipOf(trackId, rand);
        for (const strategy of ['auto', 'scan'] as MatchStrategy[]) {
          const want = await memory.matcher.match(clip, { topK: 10, strategy });
          const got = await disk.matcher.match(clip, { topK: 10, strategy });
          expect(want[0].trackId).toBe(trackId);
          expect(want.some((r) => r.beatShare > 0)).toBe(true);
          expectSameRanking(got, want);
        }
      }
      // The second open of the same catalog state reuses the index.
      await sessions.invalidate();
      logs.length = 0;
      expect((await sessions.library(VERSION)).onDisk).toBe(true);
      expect(logs.filter((l) => /segment index/.test(l))).toEqual([]);
    } finally {
      await memory.release();
      await sessions.close();
    }
  });

  it('is rebuilt when the catalog segments change, and the old index is removed', async () => {
    const sessions = new Sessions(dbPath, {}, () => {}, { diskIndexAbove: DISK_ABOVE });
    try {
      await sessions.library(VERSION);
      const before = readdirSync(indexFolder());
      expect(before).toHaveLength(1);
      await sessions.invalidate();

      const added = addTrack(45, rng(93));
      const disk = await sessions.library(VERSION);
      const after = readdirSync(indexFolder());
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before[0]);
      expect(disk.store.trackCount).toBe(46);
      const results = await disk.matcher.match(clipOf(added, rng(94)), { topK: 5 });
      expect(results[0].trackId).toBe(added);
    } finally {
      await sessions.close();
    }
  });

  it('never uses a build killed half-way: the next open builds a whole index and clears the remains', async () => {
    // A child process starts building the index for the current catalog state and is killed after 5 tracks.
    const child = join(root, 'half-build.ts');
    writeFileSync(
      child,
      `import { openCatalog } from ${JSON.stringify(join(REPO_ROOT, 'electron/engine/catalog/db.ts'))};
import { iterateSegments, segmentsFingerprint } from ${JSON.stringify(join(REPO_ROOT, 'electron/engine/catalog/segments.ts'))};
import { loadSegmentIndexIn } from ${JSON.stringify(join(REPO_ROOT, 'electron/engine/search/segment-index.ts'))};
const [folder, dbPath, version] = process.argv.slice(2);
const db = openCatalog(dbPath);
async function* halfThenHang() {
  let n = 0;
  for (const t of iterateSegments(db, version)) {
    yield t;
    if (++n === 5) {
      process.stdout.write('half\\n');
      setInterval(() => {}, 1000);
      await new Promise(() => {});
    }
  }
}
const info = () => ({ summary: { duration: 1, bpm: 0, beats: [], key: '?', mode: 'minor' as const, energy: 0 }, mood: { brightness: 0 } });
void loadSegmentIndexIn(folder, segmentsFingerprint(db, version), ${d}, halfThenHang, info);
`,
    );
    // A catalog change first, so the index on disk is stale and the child really builds.
    addTrack(46, rng(95));
    const p = spawn(process.execPath, ['--import', 'tsx', child, indexFolder(), dbPath, VERSION], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      p.stdout.on('data', (b: Buffer) => {
        if (b.toString().includes('half')) resolve();
      });
      p.on('exit', (code) => reject(new Error(`the half-build child exited early (${code})`)));
    });
    p.kill('SIGKILL');
    await new Promise((resolve) => p.once('exit', resolve));
    const remains = readdirSync(indexFolder()).filter((n) => n.startsWith('.building-'));
    expect(remains).toHaveLength(1);
    expect(existsSync(join(indexFolder(), remains[0], 'meta.json'))).toBe(false);

    const logs: string[] = [];
    const sessions = new Sessions(dbPath, {}, (m) => logs.push(m), { diskIndexAbove: DISK_ABOVE });
    const memory = loadLibrary(db, VERSION);
    try {
      const disk = await sessions.library(VERSION);
      expect(logs.some((l) => /built the on-disk segment index/.test(l))).toBe(true);
      expect(disk.store.trackCount).toBe(47);
      expect(readdirSync(indexFolder())).toHaveLength(1);
      const clip = clipOf(disk.store.trackIds()[46], rng(96));
      expectSameRanking(await disk.matcher.match(clip, { topK: 10 }), await memory.matcher.match(clip, { topK: 10 }));
    } finally {
      await memory.release();
      await sessions.close();
    }
  });
});
